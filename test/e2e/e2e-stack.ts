/**
 * The end-to-end world: Azurite and the Azure emulator in this process (so a test can read the
 * emulator's counters, request log and state), and the devhost serving the real app
 * (`functions/index`) as a separate child process over real HTTP — restartable, so a test can SIGKILL
 * it mid-build and start another on the same Azurite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  findAppRoot,
  startAzurite,
  type RunningAzurite,
  spawnDevhost,
  type DevhostChild,
} from "@azure-env-provisioner/functions-devhost";
import {
  EmulatorCredential,
  startEmulator,
  type RunningEmulator,
} from "@azure-env-provisioner/azure-emulator";
import { writeTestHostJson } from "../support/test-host-json";
import { createAzureClients, type AzureClients } from "../../lib/azure/clients";
import { loadConfig } from "../../lib/config";

/** Real seconds per real-Azure second: the staging example's critical path takes some 10 s. */
export const TIME_SCALE = Number(process.env.E2E_TIME_SCALE ?? 0.004);
/** The subscription the specs in `examples/` name. */
export const EXAMPLE_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000002";
/** Lease of a killed host's work before another host takes it over, in real ms. */
const LEASE_MS = 1500;
const FUNCTION_KEY = "e2e-function-key";
const SYSTEM_KEY = "e2e-system-key";

export const projectRoot = findAppRoot(__filename);
const sourceExtension = __filename.endsWith(".ts") ? ".ts" : ".js";
/** The app's entry: TS under tsx when the test runs from source, the compiled JS under dist/. */
const appEntry = join(__dirname, "..", "..", "functions", `index${sourceExtension}`);

/** Reads a file of `examples/`. */
export function example(name: string): string {
  return readFileSync(join(projectRoot, "examples", name), "utf8");
}

/** The running world. */
export interface E2eStack {
  readonly azurite: RunningAzurite;
  readonly emulator: RunningEmulator;
  /** The provisioner's own clients, for reading back what a build made (same principal as the app). */
  readonly clients: AzureClients;
  /** The devhost child now serving; replaced by {@link restartDevhost}. */
  devhost(): DevhostChild;
  /** Everything every devhost child printed, stdout and stderr. */
  devhostOutput(): string;
  /** `fetch` to `<devhost>/api/<path>` with the function key; every answer body is kept. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Every response body {@link api} and {@link durableStatus} received, in order. */
  readonly responseBodies: string[];
  /** The Durable status of an instance (with history), through the extension's webhook. */
  durableStatus(instanceId: string): Promise<unknown>;
  /** `fetch` to `<devhost>/runtime/webhooks/durabletask/<path>` with the system key, as an operator could. */
  webhook(path: string, init?: RequestInit): Promise<Response>;
  /** Ids of every Durable instance the task hub knows. */
  instanceIds(): Promise<string[]>;
  /** SIGKILLs the devhost child, then starts another one on the same Azurite. */
  restartDevhost(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Azurite, the emulator and one devhost child. */
export async function startE2eStack(): Promise<E2eStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "provisioner-e2e-"));
  writeAppRoot(dataDir);
  const azurite = await startAzurite();
  const emulator = await startEmulator({ dataDir: join(dataDir, "emulator"), timeScale: TIME_SCALE });
  // What the devhost child gets in its environment: the emulator's endpoints and its managed identity,
  // as App Service hands an app IDENTITY_ENDPOINT and IDENTITY_HEADER.
  const settings = {
    PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
    PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
    PROVISIONER_SUBSCRIPTION_ID: EXAMPLE_SUBSCRIPTION_ID,
    PROVISIONER_PRINCIPAL_ID: emulator.identityPrincipalId,
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
  };
  const clients = createAzureClients(loadConfig(settings), {
    lroPollIntervalMs: 20,
    credential: new EmulatorCredential({ objectId: emulator.identityPrincipalId }),
  });
  // Every byte every child printed: the child's own output() keeps only its recent tail.
  const outputs: string[] = [];
  const spawn = async (): Promise<DevhostChild> => {
    const child = await spawnDevhost({
      app: appEntry,
      appRoot: dataDir,
      storageConnectionString: azurite.connectionString,
      env: { ...settings, DEVHOST_SYSTEM_KEY: SYSTEM_KEY },
      extraArgs: [
        "--key",
        FUNCTION_KEY,
        // Durable timers (poll intervals, back-off) run as much faster as the emulated operations.
        "--clock-factor",
        String(1 / TIME_SCALE),
        "--lease-ms",
        String(LEASE_MS),
      ],
      startTimeoutMs: 60_000,
    });
    const index = outputs.push(child.output()) - 1;
    const append = (chunk: Buffer) => (outputs[index] += chunk.toString());
    child.process.stdout?.on("data", append);
    child.process.stderr?.on("data", append);
    return child;
  };
  let current = await spawn();
  const responseBodies: string[] = [];
  const keep = async (response: Response): Promise<Response> => {
    responseBodies.push(await response.clone().text());
    return response;
  };
  return {
    azurite,
    emulator,
    clients,
    responseBodies,
    devhost: () => current,
    devhostOutput: () => outputs.join("\n"),
    api: async (path, init = {}) =>
      keep(
        await fetch(`${current.url}/api/${path}`, {
          ...init,
          headers: { "x-functions-key": FUNCTION_KEY, ...(init.headers as Record<string, string>) },
        }),
      ),
    async durableStatus(instanceId) {
      const query = "showHistory=true&showHistoryOutput=true&showInput=true";
      const response = await keep(
        await fetch(
          `${current.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?${query}`,
          { headers: { "x-functions-key": SYSTEM_KEY } },
        ),
      );
      return response.status === 404 ? undefined : ((await response.json()) as unknown);
    },
    webhook: async (path, init = {}) =>
      keep(
        await fetch(`${current.url}/runtime/webhooks/durabletask/${path}`, {
          ...init,
          headers: { "x-functions-key": SYSTEM_KEY, ...(init.headers as Record<string, string>) },
        }),
      ),
    async instanceIds() {
      const response = await keep(
        await fetch(`${current.url}/runtime/webhooks/durabletask/instances?top=1000`, {
          headers: { "x-functions-key": SYSTEM_KEY },
        }),
      );
      return ((await response.json()) as { instanceId: string }[]).map((i) => i.instanceId);
    },
    async restartDevhost(signal = "SIGKILL") {
      await current.stop(signal);
      current = await spawn();
    },
    async stop() {
      await current.stop("SIGTERM").catch(() => undefined);
      await emulator.stop();
      await azurite.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** host.json as the project's, with queues polled fast, its own hub, and local settings for storage. */
function writeAppRoot(dir: string): void {
  writeTestHostJson(dir, (host) => {
    host.extensions.durableTask.hubName = "E2e";
    host.extensions.queues.visibilityTimeout = "00:00:00";
  });
  writeFileSync(
    join(dir, "local.settings.json"),
    JSON.stringify({
      IsEncrypted: false,
      Values: { AzureWebJobsStorage: "UseDevelopmentStorage=true", FUNCTIONS_WORKER_RUNTIME: "node" },
    }),
  );
}
