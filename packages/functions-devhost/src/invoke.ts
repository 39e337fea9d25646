/**
 * One invocation of a captured function, as the worker and host perform it: a fresh real
 * `InvocationContext` with the function's binding options, extra inputs and trigger metadata, then
 * `handler(input, context)`, then its storage output bindings written.
 */
import { randomUUID } from "node:crypto";
import { format } from "node:util";
import type { BindingData } from "./binding-expressions";
import type { CapturedFunction } from "./contracts";
import { StorageOutputBindings, type OutputBindingWriter } from "./output-bindings";
import { createInvocationContext } from "./registry";

/** Where the devhost's own messages and the functions' `context.log` output go. */
export type DevhostLog = (level: "information" | "warning" | "error", message: string) => void;

/** Writes to the console with the level, as Core Tools prints host and function logs. */
export const consoleLog: DevhostLog = (level, message) => {
  const line = `[${new Date().toISOString()}] ${message}`;
  if (level === "error") console.error(line);
  else console.log(line);
};

/** Extra input values for one invocation of `fn`, by binding name (e.g. durable client payloads). */
export type ExtraInputsProvider = (fn: CapturedFunction) => Readonly<Record<string, unknown>>;

/** What a trigger adds to an invocation besides its input. */
export interface InvocationOptions {
  readonly extraInputs?: ExtraInputsProvider;
  /** As the host passes it, camel-cased (`dequeueCount`, `insertionTime`, …). @default - none */
  readonly triggerMetadata?: Record<string, unknown>;
  /** Values for `{name}` in output binding settings. @default - none besides `{rand-guid}` and `{DateTime}` */
  readonly bindingData?: BindingData;
  /** Writes the output bindings. @default a {@link StorageOutputBindings} on `process.env`, base64 messages */
  readonly outputs?: OutputBindingWriter;
  readonly log: DevhostLog;
}

let defaultOutputs: OutputBindingWriter | undefined;

const LOG_LEVELS: Readonly<Record<string, Parameters<DevhostLog>[0]>> = {
  trace: "information",
  debug: "information",
  information: "information",
  warning: "warning",
  error: "error",
  critical: "error",
};

/**
 * Invokes `fn` with `triggerInput`, writes its output bindings, and returns what its handler returned
 * (awaited). Logs the start and the outcome as the host does; a handler's or an output's error is logged
 * here (message and stack, server side only) and rethrown for the trigger to handle.
 */
export async function invokeFunction(
  fn: CapturedFunction,
  triggerInput: unknown,
  options: InvocationOptions,
): Promise<unknown> {
  const invocationId = randomUUID();
  const context = createInvocationContext(fn, {
    invocationId,
    extraInputs: options.extraInputs?.(fn) ?? {},
    ...(options.triggerMetadata ? { triggerMetadata: options.triggerMetadata } : {}),
    logHandler: (level, ...args) =>
      options.log(LOG_LEVELS[level] ?? "information", `[${fn.name}] ${format(...args)}`),
  });
  const started = performance.now();
  options.log("information", `Executing 'Functions.${fn.name}' (Id=${invocationId})`);
  try {
    const result = await fn.handler(triggerInput, context);
    // The host writes outputs after the handler succeeds; a failed write fails the invocation.
    await (options.outputs ?? (defaultOutputs ??= new StorageOutputBindings())).write({
      fn,
      extraOutput: (name) => context.extraOutputs.get(name),
      returned: result,
      bindingData: options.bindingData ?? {},
    });
    const elapsed = Math.round(performance.now() - started);
    options.log(
      "information",
      `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${elapsed}ms)`,
    );
    return result;
  } catch (error) {
    const elapsed = Math.round(performance.now() - started);
    options.log(
      "error",
      `Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${elapsed}ms): ${describeError(error)}`,
    );
    throw error;
  }
}

/** The message and stack of an error, for the server-side log only. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return format(error);
}
