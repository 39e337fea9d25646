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
import { createArmSteps, type ArmSteps } from "../../activities/arm-step";
import { createProvisioningActivities, type ProvisioningActivities } from "../../activities/provisioning";
import { factsFor } from "../../lib/plan/facts";
import { adminPasswordSecretFor } from "../../lib/plan/secrets";
import type { Plan } from "../../lib/plan/types";
import assert from "node:assert/strict";
import {
  isActivityFailure,
  type ActivityFailure,
  type ActivityResult,
  type ArmOperation,
  type EnsureNodeInput,
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

/** How often {@link ensureNodeRetrying} calls a step that answered `retry` before it gives up. */
const MAX_RETRIES = 20;

const isRetry = (result: ActivityResult<EnsureResult>): result is ActivityFailure =>
  isActivityFailure(result) && result.outcome === "retry";

/**
 * Ensures a node, calling it again while it answers `retry`, as an orchestration would (bounded, never
 * waiting more than 50 ms a time): access may still be propagating, since a role assignment counts for a
 * data plane only after its scaled delay, which a fast machine can beat. Every answer goes to `outputs`.
 * @returns the last answer
 */
export async function ensureNodeRetrying(
  activities: ProvisioningActivities,
  input: EnsureNodeInput,
  outputs: unknown[] = [],
): Promise<ActivityResult<EnsureResult>> {
  let result = await activities.ensureNode(input);
  outputs.push(result);
  for (let attempt = 1; isRetry(result) && attempt < MAX_RETRIES; attempt++) {
    await sleep(Math.min(result.error.retryAfterMs ?? 0, 50));
    result = await activities.ensureNode(input);
    outputs.push(result);
  }
  return result;
}

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

/** What {@link applyPlan} saw: each node's outcome, the facts nodes reported, everything returned. */
export interface AppliedPlan {
  /** `<node key>:<outcome>` per node, in plan order. */
  readonly outcomes: string[];
  /** The facts each node reported, by node key. */
  readonly facts: Record<string, Readonly<Record<string, string>>>;
  /** Every activity result and operation check, to scan for secret values. */
  readonly outputs: unknown[];
}

/**
 * Ensures every node of `plan` in order (a topological order), each to its end, as a build would: the
 * facts nodes report handed to the nodes that refer to them, the admin password's location to a
 * PostgreSQL server. A step that answers `retry` is called again ({@link ensureNodeRetrying}). Asserts
 * every node succeeds.
 */
export async function applyPlan(fixture: EmulatorFixture, plan: Plan): Promise<AppliedPlan> {
  const activities = createProvisioningActivities(fixture.clients);
  const steps = createArmSteps(fixture.clients);
  const applied: AppliedPlan = { outcomes: [], facts: {}, outputs: [] };
  for (const node of plan.nodes) {
    const result = await ensureNodeRetrying(
      activities,
      {
        node,
        adminPasswordSecret: adminPasswordSecretFor(plan.nodes, node),
        facts: factsFor(node, applied.facts),
      },
      applied.outputs,
    );
    const write = expectWrite(result, node.key);
    if (write.outcome === "pending") {
      const end = await waitForOperation(steps, write);
      applied.outputs.push(end);
      assert.equal(end?.outcome, "succeeded", `${node.key}: ${JSON.stringify(end)}`);
      if (end?.outcome === "succeeded" && end.facts) applied.facts[node.key] = end.facts;
    } else if (write.facts) applied.facts[node.key] = write.facts;
    applied.outcomes.push(`${node.key}:${write.outcome}`);
  }
  return applied;
}
