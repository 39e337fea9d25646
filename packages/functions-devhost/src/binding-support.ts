/**
 * What the devhost runs, checked at start-up: an app that registers a trigger, a binding, a retry
 * policy or a hook the devhost would not honour is refused before anything starts, with every such
 * registration named — rather than started and silently wrong (an output that is never written, a
 * function that never fires). Why each is or is not run: docs/adr/0006-devhost-refuses-what-it-cannot-run.md.
 */
import type { BindingMetadata, CapturedFunction, FunctionRegistry } from "./contracts";
import { isStorageOutput } from "./output-bindings";
import { resolveAppSettingReferences } from "./settings";
import { connectionSettingNames, resolveStorageConnection } from "./storage-connection";

/** Trigger types the devhost serves (lower case). */
export const SUPPORTED_TRIGGERS: readonly string[] = [
  "httptrigger",
  "queuetrigger",
  "orchestrationtrigger",
  "activitytrigger",
];

/** Why a trigger type the real host serves is not served here (lower case); others get a generic reason. */
const TRIGGER_REFUSALS: Readonly<Record<string, string>> = {
  entitytrigger: "durable entities are not run by the devhost",
  timertrigger: "timer triggers are not run by the devhost",
  blobtrigger: "blob triggers are not run by the devhost",
  eventgridtrigger: "Event Grid triggers are not run by the devhost",
};

/** Thrown by {@link assertRunnable}; its message lists every registration the devhost cannot run. */
export interface UnsupportedRegistrationError extends Error {
  readonly isRegistrationError: true;
  readonly problems: readonly string[];
}

const describeBinding = (name: string, binding: BindingMetadata) =>
  `binding '${name}' (${binding.type}, ${binding.direction})`;

/** Problems of one output binding's settings that the host would report when indexing the function. */
function outputSettingProblems(name: string, binding: BindingMetadata, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const required: Readonly<Record<string, string>> = { queue: "queueName", blob: "path", table: "tableName" };
  const key = required[binding.type.toLowerCase()];
  const value = key ? binding[key] : undefined;
  if (key && (typeof value !== "string" || value === "")) {
    problems.push(`${describeBinding(name, binding)} has no ${key}`);
  } else if (typeof value === "string") {
    try {
      resolveAppSettingReferences(value, env, "the binding");
    } catch (error) {
      problems.push(`${describeBinding(name, binding)}: ${(error as Error).message}`);
    }
  }
  if (!resolveStorageConnection(binding.connection, env)) {
    problems.push(
      `${describeBinding(name, binding)}: the connection setting ${connectionSettingNames(binding.connection).join(" / ")} is not set`,
    );
  }
  return problems;
}

/** Everything in `fn` the devhost cannot run, as sentences without the function's name. */
function functionProblems(fn: CapturedFunction, env: NodeJS.ProcessEnv): string[] {
  const trigger = fn.trigger.type.toLowerCase();
  if (!SUPPORTED_TRIGGERS.includes(trigger)) {
    const reason = TRIGGER_REFUSALS[trigger] ?? `${fn.trigger.type} triggers are not run by the devhost`;
    return [`${describeBinding(fn.triggerName, fn.trigger)}: ${reason}`];
  }
  const problems: string[] = [];
  if (fn.retryOptions !== undefined) {
    problems.push(
      "its retry policy is not run by the devhost (Azure runs retry policies only for timer, Event Hubs, Kafka and Cosmos DB triggers)",
    );
  }
  for (const [name, binding] of Object.entries(fn.bindings)) {
    if (name === fn.triggerName) continue;
    const type = binding.type.toLowerCase();
    if (trigger === "orchestrationtrigger") {
      problems.push(
        `${describeBinding(name, binding)}: an orchestrator function takes no binding besides its trigger (its outputs would be written at every replay)`,
      );
    } else if (binding.direction === "in") {
      if (type !== "durableclient") {
        problems.push(
          `${describeBinding(name, binding)}: input bindings other than the durable client are not run by the devhost`,
        );
      }
    } else if (type === "http") {
      if (trigger !== "httptrigger") {
        problems.push(`${describeBinding(name, binding)}: an HTTP output needs an HTTP trigger`);
      }
    } else if (isStorageOutput(binding)) {
      problems.push(...outputSettingProblems(name, binding, env));
    } else {
      problems.push(
        `${describeBinding(name, binding)}: only storage queue, blob and table outputs are written by the devhost`,
      );
    }
  }
  return problems;
}

/** Every registration of `registry` the devhost cannot run, one sentence each (empty when all run). */
export function unsupportedRegistrations(
  registry: FunctionRegistry,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const problems = [...registry.functions.values()].flatMap((fn) =>
    functionProblems(fn, env).map((problem) => `function '${fn.name}': ${problem}`),
  );
  for (const hook of registry.hooks ?? []) {
    problems.push(`app hook '${hook}': app hooks are not run by the devhost`);
  }
  return problems;
}

/**
 * Refuses an app with anything the devhost cannot run.
 * @throws UnsupportedRegistrationError (a RegistrationError) naming each function and binding.
 */
export function assertRunnable(registry: FunctionRegistry, env: NodeJS.ProcessEnv = process.env): void {
  const problems = unsupportedRegistrations(registry, env);
  if (problems.length === 0) return;
  const error = new Error(
    `the app registers what the devhost cannot run (see the devhost README, "What runs"):\n  ${problems.join("\n  ")}`,
  );
  throw Object.assign(error, { isRegistrationError: true as const, problems });
}
