/**
 * Registration capture: provides `@azure/functions-core` to the app the way the real Node worker does,
 * so `app.http`, `app.storageQueue`, `df.app.orchestration`, `df.app.activity` and durable client inputs
 * register with this host instead of falling into `@azure/functions`' "test mode" (which drops them).
 */
import Module from "node:module";
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { InvocationContext } from "@azure/functions";
import type { BindingMetadata, CapturedFunction, FunctionRegistry } from "./contracts";

const CORE_MODULE_ID = "@azure/functions-core";

/** What `registerFunction` receives from `@azure/functions` (`toCoreFunctionMetadata`). */
interface CoreFunctionMetadata {
  readonly name: string;
  readonly bindings: Record<string, BindingMetadata>;
  readonly retryOptions?: unknown;
}

interface Sink {
  addFunction(metadata: CoreFunctionMetadata, callback: CapturedFunction["handler"]): void;
  addHook(hookName: string): void;
}

/** Registrations go to the capture in progress; `@azure/functions` caches the core module for the process. */
let currentSink: Sink | undefined;
let requireHookInstalled = false;

/** Thrown when an app registers something this host cannot hold (no trigger, duplicate name). */
export interface RegistrationError extends Error {
  readonly isRegistrationError: true;
}

/** Whether `error` is a {@link RegistrationError}. */
export function isRegistrationError(error: unknown): error is RegistrationError {
  return error instanceof Error && (error as Partial<RegistrationError>).isRegistrationError === true;
}

function registrationError(message: string): RegistrationError {
  return Object.assign(new Error(message), { isRegistrationError: true as const });
}

/** A minimal `Disposable` as the worker exports it (`Disposable.from(...)`, `dispose()` once). */
class Disposable {
  static from(...items: { dispose?: () => void }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose?.()));
  }
  #callback: (() => void) | undefined;
  constructor(callback: () => void) {
    this.#callback = callback;
  }
  dispose(): void {
    this.#callback?.();
    this.#callback = undefined;
  }
}

const fakeCore = {
  version: "3.10.1",
  hostVersion: "4.1037.0",
  Disposable,
  setProgrammingModel(): void {
    // The programming model turns RPC messages into arguments; this host calls handlers directly.
  },
  getProgrammingModel(): undefined {
    return undefined;
  },
  registerFunction(metadata: CoreFunctionMetadata, callback: CapturedFunction["handler"]): Disposable {
    if (!currentSink) {
      throw registrationError(`function "${metadata.name}" registered outside loadFunctionApp`);
    }
    currentSink.addFunction(metadata, callback);
    return new Disposable(() => undefined);
  },
  registerHook(hookName: string): Disposable {
    // Hooks are not run by this host: recorded so that the start-up check refuses the app (binding-support.ts).
    currentSink?.addHook(hookName);
    return new Disposable(() => undefined);
  },
  log(level: string, category: string, message: string): void {
    if (category === "user" || level === "error" || level === "warning") console.log(`[${level}] ${message}`);
  },
};

function installRequireHook(): void {
  if (requireHookInstalled) return;
  requireHookInstalled = true;
  const originalRequire = Module.prototype.require;
  // The real worker wraps `require` the same way; `@azure/functions` loads the core module lazily.
  Module.prototype.require = function requireWithCore(this: NodeJS.Module, id: string) {
    if (id === CORE_MODULE_ID) return fakeCore;
    // eslint-disable-next-line prefer-rest-params -- forward every argument untouched
    return originalRequire.apply(this, arguments as unknown as [string]);
  } as typeof Module.prototype.require;
}

class CapturedRegistry implements FunctionRegistry {
  readonly functions = new Map<string, CapturedFunction>();
  readonly hooks: string[] = [];

  add(metadata: CoreFunctionMetadata, handler: CapturedFunction["handler"]): void {
    if (this.functions.has(metadata.name)) {
      throw registrationError(`function "${metadata.name}" is registered twice`);
    }
    const trigger = Object.entries(metadata.bindings).find(([, binding]) => /trigger$/i.test(binding.type));
    if (!trigger) throw registrationError(`function "${metadata.name}" has no trigger binding`);
    this.functions.set(metadata.name, {
      name: metadata.name,
      bindings: metadata.bindings,
      triggerName: trigger[0],
      trigger: trigger[1],
      handler,
      ...(metadata.retryOptions === undefined ? {} : { retryOptions: metadata.retryOptions }),
    });
  }

  byTriggerType(type: string): CapturedFunction[] {
    const wanted = type.toLowerCase();
    return [...this.functions.values()].filter((fn) => fn.trigger.type.toLowerCase() === wanted);
  }
}

/**
 * Runs `load` (which imports an app) with `@azure/functions-core` provided, and returns every function
 * registered meanwhile. Captures do not nest.
 */
export function captureRegistrations(load: () => void): FunctionRegistry {
  if (currentSink) throw registrationError("captureRegistrations does not nest");
  installRequireHook();
  const registry = new CapturedRegistry();
  currentSink = {
    addFunction: (metadata, callback) => registry.add(metadata, callback),
    addHook: (hookName) => registry.hooks.push(hookName),
  };
  try {
    load();
  } finally {
    currentSink = undefined;
  }
  return registry;
}

/** Registries by resolved entry path: Node's module cache runs an app's registrations once per process. */
const loadedApps = new Map<string, FunctionRegistry>();

/**
 * Imports the app at `entryModulePath` (compiled JS, or TS under a loader such as tsx) and returns its
 * registrations. Loading the same entry again in one process returns the same registry.
 */
export function loadFunctionApp(entryModulePath: string): FunctionRegistry {
  const entry = require.resolve(resolve(entryModulePath));
  const known = loadedApps.get(entry);
  if (known) return known;
  const registry = captureRegistrations(() => {
    // Synchronous on purpose: registrations must land while the capture is open (import() would defer).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(entry);
  });
  loadedApps.set(entry, registry);
  return registry;
}

/** Options for {@link createInvocationContext}. */
export interface InvocationContextOptions {
  /** Values of extra input bindings by binding name (e.g. the durable client payload). @default - none */
  readonly extraInputs?: Readonly<Record<string, unknown>>;
  /** Trigger metadata as the host passes it (queue `dequeueCount`, …). @default - none */
  readonly triggerMetadata?: Record<string, unknown>;
  /** @default - a random UUID */
  readonly invocationId?: string;
  /** Where `context.log` and friends go. @default - console, as `@azure/functions` does without a host */
  readonly logHandler?: (level: string, ...args: unknown[]) => void;
}

/**
 * A fresh, real `InvocationContext` for one invocation of `fn`, with its binding options and extra inputs
 * set as the worker sets them (the durable library reads `context.options.trigger` and `extraInputs`).
 */
export function createInvocationContext(
  fn: CapturedFunction,
  options: InvocationContextOptions = {},
): InvocationContext {
  const withName = (name: string, binding: BindingMetadata) => ({ ...binding, name, type: binding.type });
  const entries = Object.entries(fn.bindings).filter(([name]) => name !== fn.triggerName);
  const context = new InvocationContext({
    invocationId: options.invocationId ?? randomUUID(),
    functionName: fn.name,
    triggerMetadata: options.triggerMetadata,
    logHandler: options.logHandler as never,
    options: {
      trigger: withName(fn.triggerName, fn.trigger) as never,
      return: fn.bindings.$return ? (withName("$return", fn.bindings.$return) as never) : undefined,
      extraInputs: entries
        .filter(([name, b]) => name !== "$return" && b.direction === "in")
        .map(([name, b]) => withName(name, b)) as never,
      extraOutputs: entries
        .filter(([name, b]) => name !== "$return" && b.direction === "out")
        .map(([name, b]) => withName(name, b)) as never,
    },
  });
  for (const [name, value] of Object.entries(options.extraInputs ?? {})) context.extraInputs.set(name, value);
  return context;
}
