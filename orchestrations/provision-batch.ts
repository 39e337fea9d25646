/**
 * PROVISION_BATCH: applies or destroys many environments, at most `maxConcurrent` at once, each as a
 * sub-orchestration of BUILD_ENVIRONMENT or DESTROY_ENVIRONMENT whose instance id is the environment id
 * (one build per environment at a time). An environment appearing twice in one batch runs once. One
 * item failing never fails the batch: every item gets its result.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import {
  BUILD_ENVIRONMENT,
  DESTROY_ENVIRONMENT,
  PROVISION_BATCH,
  type BatchItem,
  type BatchItemResult,
  type BatchOutput,
  type BuildInput,
  type BuildOutput,
  type DestroyInput,
  type DestroyOutput,
} from "./contracts";
import { unexpectedFailure } from "./errors";
import { batchInputOf } from "./inputs";
import { runTaskPool } from "./task-pool";

/** Environments built at once when the input names no cap. */
export const DEFAULT_MAX_CONCURRENT = 10;

/** The index of the first item of each environment, and for each later item the index it duplicates. */
export function firstOccurrences(items: readonly BatchItem[]): {
  runs: number[];
  duplicateOf: Map<number, number>;
} {
  const firstByEnvironment = new Map<string, number>();
  const runs: number[] = [];
  const duplicateOf = new Map<number, number>();
  items.forEach((item, index) => {
    const first = firstByEnvironment.get(item.plan.environmentId);
    if (first === undefined) {
      firstByEnvironment.set(item.plan.environmentId, index);
      runs.push(index);
    } else {
      duplicateOf.set(index, first);
    }
  });
  return { runs, duplicateOf };
}

function startItem(context: OrchestrationContext, item: BatchItem, requestedBy: string): Task {
  const environmentId = item.plan.environmentId;
  // As a child, a build or destroy returns its failures as values instead of failing its instance.
  const parentInstanceId = context.df.instanceId;
  if (item.action === "apply") {
    const input: BuildInput = { plan: item.plan, requestedBy, parentInstanceId };
    return context.df.callSubOrchestrator(BUILD_ENVIRONMENT, input, environmentId);
  }
  const input: DestroyInput = { plan: item.plan, keyVault: item.keyVault, requestedBy, parentInstanceId };
  return context.df.callSubOrchestrator(DESTROY_ENVIRONMENT, input, environmentId);
}

/** The PROVISION_BATCH orchestrator. */
export function* provisionBatchOrchestrator(
  context: OrchestrationContext,
): Generator<Task, BatchOutput, unknown> {
  const input = batchInputOf(
    context.df.getInput(),
    PROVISION_BATCH,
    context.df.instanceId,
    context.df.isReplaying,
  );
  const maxConcurrent = Math.max(1, Math.floor(input.maxConcurrent || DEFAULT_MAX_CONCURRENT));
  const requestedBy = `batch:${context.df.instanceId}`;
  const { runs, duplicateOf } = firstOccurrences(input.items);
  const results = new Map<number, BatchItemResult>();
  let next = 0;

  const status = () => ({ total: input.items.length, running: 0, done: results.size });
  context.df.setCustomStatus(status());
  yield* runTaskPool(context, {
    keyOrder: runs.map(String),
    maxRounds: runs.length * 2 + 100_000,
    startReady: (running) => {
      const started: { key: string; task: Task }[] = [];
      while (next < runs.length && running.size + started.length < maxConcurrent) {
        const index = runs[next++] as number;
        started.push({
          key: String(index),
          task: startItem(context, input.items[index] as BatchItem, requestedBy),
        });
      }
      return started;
    },
    onRound: (running) => context.df.setCustomStatus({ ...status(), running: running.size }),
    onEnded: ({ key, task }) => {
      const index = Number(key);
      const item = input.items[index] as BatchItem;
      const base = { environmentId: item.plan.environmentId, action: item.action };
      // A faulted child is a bug or a host failure; Azure's refusals arrive in its output.
      const output = task.isFaulted ? undefined : (task.result as BuildOutput | DestroyOutput);
      const failures = output ? output.failures : [unexpectedFailure(task.result)];
      results.set(
        index,
        output?.result === "succeeded"
          ? { ...base, result: "succeeded" }
          : { ...base, result: "failed", failures },
      );
    },
  });

  const output: BatchOutput = {
    results: input.items.map((item, index): BatchItemResult => {
      const first = duplicateOf.get(index);
      if (first !== undefined) {
        return {
          environmentId: item.plan.environmentId,
          action: item.action,
          result: "duplicate",
          duplicateOf: first,
        };
      }
      return results.get(index) as BatchItemResult;
    }),
  };
  context.df.setCustomStatus({ ...status(), running: 0 });
  return output;
}
