/**
 * Binding expressions, as the Functions host resolves them in output binding settings (a blob `path`, a
 * `queueName`, a table's `partitionKey`): `%Setting%` from app settings, `{name}` and `{a.b}` from the
 * invocation's binding data (case-insensitive), `{rand-guid}` and `{DateTime}`.
 * https://learn.microsoft.com/en-us/azure/azure-functions/functions-bindings-expressions-patterns
 */
import { randomUUID } from "node:crypto";
import { resolveAppSettingReferences } from "./settings";

/** Named values an invocation offers to binding expressions (trigger payload properties, metadata). */
export type BindingData = Readonly<Record<string, unknown>>;

/** Thrown when an expression names a value the invocation does not have (the host's message). */
export interface BindingExpressionError extends Error {
  readonly isBindingExpressionError: true;
}

/** Whether `error` is a {@link BindingExpressionError}. */
export function isBindingExpressionError(error: unknown): error is BindingExpressionError {
  return (
    error instanceof Error && (error as Partial<BindingExpressionError>).isBindingExpressionError === true
  );
}

function missing(name: string): BindingExpressionError {
  return Object.assign(new Error(`No value for named parameter '${name}'.`), {
    isBindingExpressionError: true as const,
  });
}

/**
 * Binding data of an invocation: `extra` (trigger metadata, `instanceId`, …) over the top-level
 * properties of a JSON object payload, as the host merges them. Keys stay as given; lookups ignore case.
 */
export function bindingDataOf(payload: unknown, extra: Readonly<Record<string, unknown>> = {}): BindingData {
  const fromPayload =
    payload !== null && typeof payload === "object" && !Array.isArray(payload) && !Buffer.isBuffer(payload)
      ? (payload as Record<string, unknown>)
      : {};
  return { ...fromPayload, ...extra };
}

function lookup(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    const wanted = segment.toLowerCase();
    const key = Object.keys(value).find((candidate) => candidate.toLowerCase() === wanted);
    if (key === undefined) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** `DateTime.UtcNow` as the host formats `{DateTime}`: `2018-02-16T17-59-55Z`. */
function hostDateTime(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-");
}

/**
 * Resolves `template` for one invocation.
 * @throws SettingsError for an unset `%Setting%`; BindingExpressionError for a `{name}` without a value.
 */
export function resolveBindingExpression(
  template: string,
  data: BindingData,
  env: NodeJS.ProcessEnv = process.env,
  now: () => Date = () => new Date(),
): string {
  const withSettings = resolveAppSettingReferences(template, env, "the binding");
  return withSettings.replace(/\{([^{}]+)\}/g, (_, expression: string) => {
    const name = expression.trim();
    if (name.toLowerCase() === "rand-guid") return randomUUID();
    if (name.toLowerCase() === "datetime") return hostDateTime(now());
    const value = lookup(data, name.split("."));
    if (value === undefined || value === null) throw missing(name);
    return typeof value === "object" ? JSON.stringify(value) : String(value as string | number | boolean);
  });
}
