/**
 * The orchestrator handlers exactly as the Functions host receives them. `df.app.orchestration(name, fn)`
 * wraps `fn` in the library's `Orchestrator` and hands the wrapper to `@azure/functions`, which passes it
 * to `@azure/functions-core`'s `registerFunction`: a module only the real Node worker provides (without
 * it `@azure/functions` drops every registration, "test mode"). The worker provides it by wrapping
 * `require`; so does this module, before loading the app's own `orchestrations/register.ts`. The fast
 * driver therefore runs the same wrapper, under the same names, that runs on Azure.
 *
 * Self-contained on purpose: the devhost does the same for the whole app, but the fast layer must not
 * depend on it.
 */
import Module from "node:module";
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { OrchestrationHandler } from "durable-functions";

/** What the host calls for one episode: the trigger payload and a fresh invocation context. */
export type HostOrchestrationHandler = (trigger: unknown, context: InvocationContext) => Promise<unknown>;

interface CoreFunctionMetadata {
  readonly name: string;
  readonly bindings: Record<string, { readonly type: string; readonly direction: string }>;
}

const handlers = new Map<string, HostOrchestrationHandler>();

/** The part of the worker's `@azure/functions-core` that registration touches. */
const fakeCore = {
  version: "3.10.1",
  hostVersion: "4.1037.0",
  Disposable: class {
    static from(): { dispose(): void } {
      return { dispose: () => undefined };
    }
    dispose(): void {}
  },
  setProgrammingModel(): void {},
  getProgrammingModel(): undefined {
    return undefined;
  },
  registerFunction(metadata: CoreFunctionMetadata, callback: HostOrchestrationHandler): { dispose(): void } {
    const isOrchestration = Object.values(metadata.bindings).some((b) => b.type === "orchestrationTrigger");
    if (isOrchestration) {
      if (handlers.has(metadata.name)) throw new Error(`orchestration "${metadata.name}" registered twice`);
      handlers.set(metadata.name, callback);
    }
    return { dispose: () => undefined };
  },
  registerHook(): { dispose(): void } {
    return { dispose: () => undefined };
  },
  log(): void {},
};

const originalRequire = Module.prototype.require;
Module.prototype.require = function requireWithCore(this: NodeJS.Module, id: string) {
  if (id === "@azure/functions-core") return fakeCore;
  // eslint-disable-next-line prefer-rest-params -- forward every argument untouched
  return originalRequire.apply(this, arguments as unknown as [string]);
} as typeof Module.prototype.require;

// Synchronous, after the hook: registrations must land while it is in place (a static import would be
// hoisted above it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("../../../orchestrations/register");
if (handlers.size === 0) {
  throw new Error(
    "no orchestration was captured: @azure/functions looked for its core module before this hook was installed",
  );
}

/**
 * Registers a test-only orchestration through the same path as the app's (`df.app.orchestration`), so
 * it runs under the same wrapper. For specs of orchestration helpers (`callActivityClassified`, …).
 */
export function registerTestOrchestration(name: string, fn: OrchestrationHandler): void {
  df.app.orchestration(name, fn);
}

/** The host-side handler registered under `name`, or `undefined`. */
export function orchestrationHandler(name: string): HostOrchestrationHandler | undefined {
  return handlers.get(name);
}

/** Names of every captured orchestration (the app's and the tests'). */
export function registeredOrchestrations(): string[] {
  return [...handlers.keys()];
}
