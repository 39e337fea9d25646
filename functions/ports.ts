/**
 * What the triggers need from the outside world, as narrow interfaces: the Durable client (real
 * `df.getClient(context)` through {@link ./durable-port}), the planner and the clock. Tests pass fakes.
 */
import type { Plan } from "../lib/plan/types";
import type { EnvironmentSpec } from "../lib/spec/types";

/** A Durable instance as the triggers see it (the Durable HTTP API's status, trimmed). */
export interface InstanceSnapshot {
  readonly instanceId: string;
  /** `Pending`, `Running`, `Completed`, `Failed`, `Terminated`, … */
  readonly runtimeStatus: string;
  readonly customStatus: unknown;
  readonly output: unknown;
  /** ISO-8601 UTC. */
  readonly createdTime: string;
  /** ISO-8601 UTC. */
  readonly lastUpdatedTime: string;
}

/** Starting, querying and terminating orchestration instances. */
export interface OrchestrationClient {
  /** Starts `name` as `instanceId` with `input`. */
  startNew(name: string, instanceId: string, input: unknown): Promise<void>;
  /** The instance, or `undefined` when it does not exist (never started, or purged). */
  getStatus(instanceId: string): Promise<InstanceSnapshot | undefined>;
  terminate(instanceId: string, reason: string): Promise<void>;
}

/** Turns a validated spec into its plan (planEnvironment with the provisioner's context). */
export type Planner = (spec: EnvironmentSpec) => Plan;
