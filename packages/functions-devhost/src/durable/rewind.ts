/**
 * Rewind of a failed instance: its failed tasks are taken out of the history (which moves to a new
 * generation) and called again under the same task ids, so the orchestrator replays as if they had not
 * failed yet. Instances whose failed tasks were retried with `RetryOptions` are refused: removing a
 * failure would renumber the retry timers the library already counted.
 */
import type { TableAction } from "./table-entities";
import { forgetInstance, type EngineContext } from "./engine-context";
import { durableEngineError } from "./errors";
import { EventType, historyEvent, type HistoryEvent } from "./history";
import { viewHistory } from "./history-view";
import {
  instanceEntity,
  retryOnEtagConflict,
  workEntity,
  type InstanceRecord,
  type NewWorkItem,
} from "./store";
import { activityWork, startChildWork } from "./work-items";

/** Rewinds a `Failed` instance; other states are a `precondition-failed` error, unknown ids `instance-not-found`. */
export async function rewindInstance(ctx: EngineContext, instanceId: string, reason?: string): Promise<void> {
  await retryOnEtagConflict(() => rewindOnce(ctx, instanceId, reason));
}

async function rewindOnce(ctx: EngineContext, instanceId: string, reason?: string): Promise<void> {
  const stored = await ctx.store.getInstance(instanceId);
  if (!stored)
    throw durableEngineError("instance-not-found", `No instance with ID '${instanceId}' was found`);
  const { record } = stored;
  if (record.runtimeStatus !== "Failed") {
    throw durableEngineError(
      "precondition-failed",
      `Only failed instances can be rewound; '${instanceId}' is ${record.runtimeStatus}`,
    );
  }
  const history = await ctx.history.get(record);
  const view = viewHistory(history);
  const isFailure = (event: HistoryEvent) =>
    event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed;
  const failures = history.filter(isFailure);
  if (failures.length === 0) {
    throw durableEngineError(
      "invalid-request",
      `Instance '${instanceId}' failed outside any task; there is nothing to rewind`,
    );
  }
  const now = ctx.clock.now();
  const generation = record.generation + 1;
  // A rewind continues the same run (execution id) in a new generation.
  const run = { generation, executionId: record.executionId };
  const work: NewWorkItem[] = [];
  for (const failure of failures) {
    const taskId = failure.TaskScheduledId ?? -1;
    const scheduled = view.scheduledById.get(taskId);
    if (!scheduled || scheduled.Retry) {
      throw durableEngineError(
        "invalid-request",
        `Instance '${instanceId}' has retried failed tasks; the devhost cannot rewind it`,
      );
    }
    const input = scheduled.Input === undefined ? undefined : (JSON.parse(scheduled.Input) as unknown);
    work.push(
      scheduled.EventType === EventType.TaskScheduled
        ? activityWork(instanceId, run, taskId, scheduled.Name ?? "", input, now)
        : startChildWork(
            instanceId,
            { instanceId, taskId, ...run },
            {
              instanceId: scheduled.InstanceId ?? `${instanceId}:${taskId}`,
              name: scheduled.Name ?? "",
              input,
            },
            now,
          ),
    );
  }
  const rewound = [
    ...history.filter((event) => !isFailure(event) && event.EventType !== EventType.ExecutionCompleted),
    historyEvent(EventType.ExecutionResumed, now, { Reason: `Rewound: ${reason ?? ""}` }),
  ];
  const updated: InstanceRecord = {
    ...record,
    runtimeStatus: "Running",
    output: undefined,
    generation,
    historyChunks: 1,
    updatedAtMs: now,
  };
  const final: TableAction[] = [
    ["create", ctx.store.historyChunk(instanceId, generation, 0, rewound)],
    ["update", instanceEntity(updated), "Replace", { etag: stored.etag }],
  ];
  await ctx.store.commit(
    work.map((item) => ["upsert", workEntity(item), "Replace"]),
    final,
  );
  // The row is replaced: a head this engine remembers from before would fail its next checkpoint.
  forgetInstance(ctx, instanceId);
  ctx.wake();
}
