/**
 * The orchestrator handlers as the Functions host runs them. `df.app.orchestration(name, fn)` registers
 * `createOrchestrator(fn)`, an async wrapper around the library's `new Orchestrator(fn).listen()`; the
 * host calls it once per episode with the trigger payload and a fresh invocation context. This module
 * builds the same listener for each of the app's orchestrators, under the names `orchestrations/register.ts`
 * gives them (`driver.test.ts` checks the two agree).
 *
 * The library's `Orchestrator` is loaded directly, not through the package's index: the index also
 * loads the durable client and its HTTP stack, a quarter of a second per test process that the
 * orchestrators never use. The replay machinery is the same module either way.
 */
import type { InvocationContext } from "@azure/functions";
import type { OrchestrationHandler } from "durable-functions";
import { buildEnvironmentOrchestrator } from "../../../orchestrations/build-environment";
import {
  BUILD_ENVIRONMENT,
  DESTROY_ENVIRONMENT,
  ENSURE_NODE_ORCHESTRATION,
  PROVISION_BATCH,
} from "../../../orchestrations/contracts";
import { destroyEnvironmentOrchestrator } from "../../../orchestrations/destroy-environment";
import { ensureNodeOrchestrator } from "../../../orchestrations/ensure-node";
import { provisionBatchOrchestrator } from "../../../orchestrations/provision-batch";

/** What the host calls for one episode: the trigger payload and a fresh invocation context. */
export type HostOrchestrationHandler = (trigger: unknown, context: InvocationContext) => Promise<unknown>;

// The package declares no types for its internals; this is the part used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Orchestrator } = require("durable-functions/lib/src/orchestrations/Orchestrator") as {
  Orchestrator: new (fn: OrchestrationHandler) => { listen(): HostOrchestrationHandler };
};

/** The app's orchestrators by registered name, as `orchestrations/register.ts` registers them. */
export const APP_ORCHESTRATORS: Readonly<Record<string, OrchestrationHandler>> = {
  [BUILD_ENVIRONMENT]: buildEnvironmentOrchestrator,
  [ENSURE_NODE_ORCHESTRATION]: ensureNodeOrchestrator,
  [DESTROY_ENVIRONMENT]: destroyEnvironmentOrchestrator,
  [PROVISION_BATCH]: provisionBatchOrchestrator,
};

const handlers = new Map<string, HostOrchestrationHandler>();

/** Registers `fn` under `name`, wrapped as the host's registration wraps it. */
function register(name: string, fn: OrchestrationHandler): void {
  if (handlers.has(name)) throw new Error(`orchestration "${name}" registered twice`);
  handlers.set(name, new Orchestrator(fn).listen());
}

for (const [name, fn] of Object.entries(APP_ORCHESTRATORS)) register(name, fn);

/**
 * Registers a test-only orchestration, wrapped like the app's. For specs of orchestration helpers
 * (`callActivityClassified`, …) and of the driver itself.
 */
export function registerTestOrchestration(name: string, fn: OrchestrationHandler): void {
  register(name, fn);
}

/** The host-side handler registered under `name`, or `undefined`. */
export function orchestrationHandler(name: string): HostOrchestrationHandler | undefined {
  return handlers.get(name);
}
