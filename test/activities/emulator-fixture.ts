/**
 * Test fixture: the emulator in-process at a tiny time scale, the provisioner's real clients pointed at
 * it through configuration, and a driver that runs a step to completion the way an orchestration would
 * (ensure, then check until terminal), with every wait bounded.
 */
import {
  EmulatorCredential,
  startEmulator,
  type RunningEmulator,
} from "@azure-env-provisioner/azure-emulator";
import { createAzureClients, type AzureClients } from "../../lib/azure/clients";
import { loadConfig } from "../../lib/config";
import type { ArmSteps } from "../../activities/arm-step";
import assert from "node:assert/strict";
import {
  isActivityFailure,
  type ActivityResult,
  type ArmOperation,
  type EnsureResult,
  type OperationCheck,
  type WriteResult,
} from "../../activities/contract";

export interface EmulatorFixture {
  readonly emulator: RunningEmulator;
  readonly clients: AzureClients;
  stop(): Promise<void>;
}

/** Starts the emulator and builds clients from the settings a user would give. */
export async function startFixture(
  options: { timeScale?: number; faults?: readonly unknown[]; subscriptionId?: string } = {},
): Promise<EmulatorFixture> {
  const emulator = await startEmulator({ timeScale: options.timeScale ?? 0.001, faults: options.faults });
  const config = loadConfig({
    PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
    PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
    PROVISIONER_POLL_INTERVAL_MS: "10",
    PROVISIONER_SUBSCRIPTION_ID: options.subscriptionId,
  });
  const clients = createAzureClients(config, {
    // The emulator's own credential, for the emulator's default principal: these tests drive activities
    // directly, without the managed identity an app would use.
    credential: new EmulatorCredential(),
    // The SDK's own retries would hide the faults these tests inject; the tests retry like orchestrations.
    retry: { maxRetries: 0 },
    lroPollIntervalMs: 10,
    keyVaultPropagationBudgetMs: 2_000,
  });
  return { emulator, clients, stop: () => emulator.stop() };
}

/**
 * The write an activity returned, asserting it did not fail and awaits no input (what it returned is
 * shown when it did).
 */
export function expectWrite(result: ActivityResult<EnsureResult>, what = "write"): WriteResult {
  assert.ok(!isActivityFailure(result), `${what}: ${JSON.stringify(result)}`);
  assert.ok(result.outcome !== "awaitingInput", `${what}: ${JSON.stringify(result)}`);
  return result;
}

/** The operation a write started, asserting it is still running. */
export function operationOf(result: ActivityResult<EnsureResult>): ArmOperation {
  assert.equal(result.outcome, "pending", JSON.stringify(result));
  return (result as Extract<WriteResult, { outcome: "pending" }>).operation;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits on `check` until the operation ends; bounded in attempts and time. */
export async function waitForOperation(
  steps: ArmSteps,
  started: WriteResult,
  maxWaitMs = 10_000,
): Promise<OperationCheck | undefined> {
  if (started.outcome !== "pending") return undefined;
  const deadline = Date.now() + maxWaitMs;
  let result: OperationCheck = await steps.check(started.operation);
  for (let i = 0; result.outcome === "running"; i++) {
    if (Date.now() > deadline || i > 2000)
      throw new Error(`${started.nodeKey} still running after ${maxWaitMs} ms`);
    // Time-scaled: honour the hint but never sleep more than 50 ms in a test.
    await sleep(Math.min(result.nextCheckAfterMs, 50));
    result = await steps.check(started.operation);
  }
  return result;
}
