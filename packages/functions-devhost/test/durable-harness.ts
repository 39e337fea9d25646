/** Shared setup of the durable engine tests: one Azurite per suite, the sample app, engines on demand. */
import { join } from "node:path";
import type { InstanceStatus, RuntimeStatus } from "../src/contracts";
import { AzureStorageDurableEngine, scaledClock, type DurableEngineOptions } from "../src/durable";
import { loadFunctionApp } from "../src/registry";
import { startAzurite, type RunningAzurite } from "../src/azurite";

export const appRegistry = () => loadFunctionApp(join(__dirname, "fixtures", "durable-app", "index"));

/** A suite's Azurite and the engines it started (stopped together). */
export interface Harness {
  readonly azurite: RunningAzurite;
  engine(options?: Partial<DurableEngineOptions>): Promise<AzureStorageDurableEngine>;
  close(): Promise<void>;
}

let hubCounter = 0;

/** Starts Azurite; engines default to a fresh task hub, a 20 ms poll and a clock 50× real time. */
export async function startHarness(): Promise<Harness> {
  const azurite = await startAzurite();
  const engines: AzureStorageDurableEngine[] = [];
  return {
    azurite,
    async engine(options = {}) {
      const engine = new AzureStorageDurableEngine({
        connectionString: azurite.connectionString,
        taskHubName: `TestHub${process.pid}x${hubCounter++}`,
        registry: appRegistry(),
        pollIntervalMs: 20,
        clock: scaledClock(50),
        ...options,
      });
      await engine.start();
      engines.push(engine);
      return engine;
    },
    async close() {
      await Promise.all(engines.map((engine) => engine.stop(1000)));
      await azurite.stop();
    },
  };
}

/** Polls `getStatus` until the instance reaches one of `statuses`; fails after `timeoutMs` (real). */
export async function waitForStatus(
  engine: {
    getStatus(
      id: string,
      o?: { showHistory?: boolean; showHistoryOutput?: boolean },
    ): Promise<InstanceStatus | undefined>;
  },
  instanceId: string,
  statuses: readonly RuntimeStatus[] = ["Completed", "Failed", "Terminated"],
  timeoutMs = 15_000,
  options: { showHistory?: boolean; showHistoryOutput?: boolean } = {},
): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: InstanceStatus | undefined;
  while (Date.now() < deadline) {
    last = await engine.getStatus(instanceId, options);
    if (last && statuses.includes(last.runtimeStatus)) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`instance ${instanceId} did not reach ${statuses.join("/")}: last ${JSON.stringify(last)}`);
}

/** Polls `predicate` every 20 ms until it holds; fails after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
