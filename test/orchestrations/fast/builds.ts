/** Running a build in the fast driver and reading back when each node ran, on virtual time. */
import type { Plan } from "../../../lib/plan/types";
import {
  BUILD_ENVIRONMENT,
  type BuildInput,
  type EnvironmentProgress,
} from "../../../orchestrations/contracts";
import { ensureNodeInstanceId } from "../../../orchestrations/instance-ids";
import { simulatedAzure } from "./azure";
import { DurableDriver, type ActivityScript, type InstanceRecord } from "./driver";

/** When a node's sub-orchestration started and ended, in milliseconds since the build started. */
export interface NodeSpan {
  readonly startMs: number;
  /** `undefined` while it runs. */
  readonly endMs?: number;
}

/** A finished run of a build. */
export interface BuildRun {
  readonly driver: DurableDriver;
  readonly build: InstanceRecord;
  /** Spans of the nodes that were started, by node key. */
  readonly spans: ReadonlyMap<string, NodeSpan>;
  /** Every custom status the build reported, in order. */
  readonly progress: readonly { readonly atMs: number; readonly value: EnvironmentProgress }[];
  /** The last custom status. */
  readonly lastProgress: EnvironmentProgress;
}

/** Options of {@link runBuild}. */
export interface RunBuildOptions {
  /** @default a {@link simulatedAzure} */
  readonly activities?: ActivityScript;
  readonly parentInstanceId?: string;
  /** Terminates the build this long after it starts. */
  readonly terminateAfterMs?: number;
}

/** Builds `plan` (instance id = environment id) and runs until nothing is left to deliver. */
export async function runBuild(plan: Plan, options: RunBuildOptions = {}): Promise<BuildRun> {
  const driver = new DurableDriver({ activities: options.activities ?? simulatedAzure() });
  const input: BuildInput = {
    plan,
    requestedBy: "fast-test",
    ...(options.parentInstanceId === undefined ? {} : { parentInstanceId: options.parentInstanceId }),
  };
  if (options.terminateAfterMs !== undefined) {
    driver.terminateAt(plan.environmentId, driver.nowMs + options.terminateAfterMs, "canceled by the test");
  }
  const build = await driver.run(BUILD_ENVIRONMENT, input, plan.environmentId);
  const spans = new Map<string, NodeSpan>();
  const children = new Map(driver.instances().map((instance) => [instance.instanceId, instance]));
  for (const node of plan.nodes) {
    const child = children.get(ensureNodeInstanceId(plan.environmentId, node.key));
    if (!child) continue;
    spans.set(node.key, {
      startMs: child.createdAtMs - build.createdAtMs,
      ...(child.endedAtMs === undefined ? {} : { endMs: child.endedAtMs - build.createdAtMs }),
    });
  }
  const progress = build.customStatuses.map(({ atMs, value }) => ({
    atMs: atMs - build.createdAtMs,
    value: value as EnvironmentProgress,
  }));
  const last = progress[progress.length - 1];
  if (!last) throw new Error(`${plan.environmentId} reported no progress`);
  return { driver, build, spans, progress, lastProgress: last.value };
}

/** Keys of the nodes that depend on `key`, directly or through others. */
export function dependentsOf(plan: Plan, key: string): Set<string> {
  const found = new Set<string>([key]);
  for (const node of plan.nodes) if (node.dependsOn.some((dep) => found.has(dep))) found.add(node.key);
  found.delete(key);
  return found;
}
