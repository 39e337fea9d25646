/**
 * The orchestration tests' world: Azurite, the emulator at a tiny time scale, the devhost's durable
 * engine on a clock scaled by the inverse factor (so orchestration time and emulated Azure time agree),
 * and the real orchestrations and activities loaded as one app.
 */
import { join } from "node:path";
import {
  type InstanceStatus,
  type RuntimeStatus,
  AzureStorageDurableEngine,
  scaledClock,
  loadFunctionApp,
  startAzurite,
  type RunningAzurite,
} from "@azure-env-provisioner/functions-devhost";
import {
  EmulatorCredential,
  startEmulator,
  type RunningEmulator,
} from "@azure-env-provisioner/azure-emulator";
import { createAzureClients, type AzureClients } from "../../lib/azure/clients";
import { loadConfig } from "../../lib/config";
import { useClients } from "./app-clients";
import { PRINCIPAL_ID } from "./example-plan";

export { examplePlan } from "./example-plan";

/** Real seconds per real-Azure second in these tests: at 0.01 a 20-minute Redis create takes 12 s. */
export const TIME_SCALE = Number(process.env.ORCHESTRATION_TEST_TIME_SCALE ?? 0.01);

export interface OrchestrationWorld {
  readonly azurite: RunningAzurite;
  readonly emulator: RunningEmulator;
  readonly engine: AzureStorageDurableEngine;
  /** The clients the activities use, for reading back what was built. */
  readonly clients: AzureClients;
  close(): Promise<void>;
}

/**
 * Starts everything. The app is loaded once per process, so one world per test file.
 * @param subscriptionId - the plan's subscription, so clients address what the plan names
 */
export async function startWorld(subscriptionId: string): Promise<OrchestrationWorld> {
  const azurite = await startAzurite();
  const emulator = await startEmulator({ timeScale: TIME_SCALE });
  const config = loadConfig({
    PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
    PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
    PROVISIONER_SUBSCRIPTION_ID: subscriptionId,
    PROVISIONER_PRINCIPAL_ID: PRINCIPAL_ID,
  });
  // The SDK's own retries would hide throttling from the orchestrations, whose retries are under test.
  const clients = createAzureClients(config, {
    retry: { maxRetries: 0 },
    credential: new EmulatorCredential({ objectId: PRINCIPAL_ID }),
  });
  useClients(clients);
  const registry = loadFunctionApp(join(__dirname, "provisioner-app"));
  const engine = new AzureStorageDurableEngine({
    connectionString: azurite.connectionString,
    taskHubName: `OrchTest${process.pid}`,
    registry,
    pollIntervalMs: 10,
    clock: scaledClock(1 / TIME_SCALE),
    maxConcurrentActivityFunctions: 20,
    maxConcurrentOrchestratorFunctions: 20,
  });
  await engine.start();
  return {
    azurite,
    emulator,
    engine,
    clients,
    async close() {
      await engine.stop(2000);
      await emulator.stop();
      await azurite.stop();
    },
  };
}

/** Polls until the instance reaches one of `statuses`; fails after `timeoutMs` of real time. */
export async function waitForInstance(
  engine: AzureStorageDurableEngine,
  instanceId: string,
  timeoutMs = 30_000,
  statuses: readonly RuntimeStatus[] = ["Completed", "Failed", "Terminated"],
): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: InstanceStatus | undefined;
  while (Date.now() < deadline) {
    last = await engine.getStatus(instanceId);
    if (last && statuses.includes(last.runtimeStatus)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(
    `${instanceId} did not reach ${statuses.join("/")}: last ${JSON.stringify(last)?.slice(0, 2000)}`,
  );
}

/** Every instance of the hub with its history, output and custom status, as one JSON text. */
export async function everythingDurableRecorded(engine: AzureStorageDurableEngine): Promise<string> {
  const { instances } = await engine.listInstances({});
  const detailed = await Promise.all(
    instances.map((instance) =>
      engine.getStatus(instance.instanceId, { showHistory: true, showHistoryOutput: true, showInput: true }),
    ),
  );
  return JSON.stringify(detailed);
}

/** Writes on every plane (ARM, Key Vault, Kubernetes) among emulator log entries; `list*` POSTs only read. */
export function writesAmong(
  log: readonly { method: string; path: string }[],
): { method: string; path: string }[] {
  return log.filter(
    (entry) =>
      ["PUT", "PATCH", "DELETE"].includes(entry.method) ||
      (entry.method === "POST" && !/\/list[A-Za-z]*$/i.test(entry.path)),
  );
}
