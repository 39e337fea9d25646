/**
 * Contract between the devhost's parts: the registration capture (`registry.ts`), the durable engine
 * (`durable/`), and the front (`http-host.ts`, `queue-triggers.ts`, `main.ts`). The devhost knows
 * nothing about provisioning: it hosts any `@azure/functions` v4 + `durable-functions` 3.x app.
 */

/** One binding as `@azure/functions` hands it to `registerFunction` (`metadata.bindings[name]`). */
export interface BindingMetadata {
  readonly type: string;
  readonly direction: "in" | "out";
  readonly [setting: string]: unknown;
}

/** One function registered by the app, as the real worker receives it. */
export interface CapturedFunction {
  readonly name: string;
  /** All bindings by binding name, as registered (trigger, return, extra inputs and outputs). */
  readonly bindings: Readonly<Record<string, BindingMetadata>>;
  /** The trigger binding's name and metadata (`httpTrigger`, `queueTrigger`, `orchestrationTrigger`, `activityTrigger`, …). */
  readonly triggerName: string;
  readonly trigger: BindingMetadata;
  /** Called as the worker does: `handler(triggerInput, invocationContext)`. */
  readonly handler: (triggerInput: unknown, context: unknown) => unknown;
  /** The function's `retry` policy as registered, when it has one (the devhost refuses to start then). */
  readonly retryOptions?: unknown;
}

/** Every registration of one loaded app. */
export interface FunctionRegistry {
  readonly functions: ReadonlyMap<string, CapturedFunction>;
  /** Functions whose trigger binding has this type (case-insensitive). */
  byTriggerType(type: string): CapturedFunction[];
  /** App hooks registered while the app loaded (`appStart`, `preInvocation`, …), by hook name. */
  readonly hooks?: readonly string[];
}

/** Runtime states as the Durable HTTP API spells them. */
export type RuntimeStatus =
  "Pending" | "Running" | "Completed" | "ContinuedAsNew" | "Failed" | "Canceled" | "Terminated" | "Suspended";

/** What `getStatus` returns; the Durable HTTP API's status body. */
export interface InstanceStatus {
  readonly name: string;
  readonly instanceId: string;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
  readonly runtimeStatus: RuntimeStatus;
  readonly input: unknown;
  readonly output: unknown;
  readonly customStatus: unknown;
  readonly historyEvents?: readonly unknown[];
}

/** Filters of `listInstances`, as the Durable HTTP API takes them. */
export interface InstanceQuery {
  readonly createdTimeFrom?: Date;
  readonly createdTimeTo?: Date;
  readonly runtimeStatus?: readonly RuntimeStatus[];
  readonly instanceIdPrefix?: string;
  readonly top?: number;
  readonly continuationToken?: string;
}

/** The durable engine: instances and histories persisted in Azure Storage (Azurite locally). */
export interface DurableEngine {
  start(): Promise<void>;
  /** Stops taking work; waits for in-flight episodes and activities up to `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  startNew(orchestrationName: string, options?: { instanceId?: string; input?: unknown }): Promise<string>;
  getStatus(
    instanceId: string,
    options?: { showHistory?: boolean; showHistoryOutput?: boolean; showInput?: boolean },
  ): Promise<InstanceStatus | undefined>;
  listInstances(query: InstanceQuery): Promise<{ instances: InstanceStatus[]; continuationToken?: string }>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
  terminate(instanceId: string, reason?: string): Promise<void>;
  suspend(instanceId: string, reason?: string): Promise<void>;
  resume(instanceId: string, reason?: string): Promise<void>;
  rewind(instanceId: string, reason?: string): Promise<void>;
  /** @returns how many instances were deleted (0 when unknown). */
  purge(instanceId: string): Promise<number>;
}
