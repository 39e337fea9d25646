/**
 * Delivers outbox rows to other instances after the checkpoint that wrote them: starting a
 * sub-orchestration, or reporting a sub-orchestration's end to its parent. Both are idempotent (a
 * redelivered start finds its own child; a completion has a deterministic key), so a crash between
 * delivery and the row's deletion only delivers twice.
 */
import type { EngineContext } from "./engine-context";
import { isDurableEngineError } from "./errors";
import { EventType, historyEvent } from "./history";
import { createInstance } from "./instances";
import type { NewMessage, OutboxWork } from "./store";
import { completionRowKey } from "./work-items";

/** Delivers one outbox row of `ownerInstanceId`, then deletes it. */
export async function dispatchOutbox(
  ctx: EngineContext,
  ownerInstanceId: string,
  rowKey: string,
  outbox: OutboxWork,
): Promise<void> {
  const now = ctx.clock.now();
  if (outbox.type === "startChild") {
    try {
      await createInstance(ctx, {
        instanceId: outbox.instanceId,
        name: outbox.name,
        input: outbox.input,
        parent: outbox.parent,
      });
    } catch (error) {
      if (!isDurableEngineError(error, "instance-exists")) throw error;
      const failed = historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
        TaskScheduledId: outbox.parent.taskId,
        Reason: error.message,
        Details: error.message,
      });
      await deliver(ctx, {
        kind: "message",
        instanceId: outbox.parent.instanceId,
        rowKey: completionRowKey(outbox.parent, outbox.parent.taskId),
        generation: outbox.parent.generation,
        executionId: outbox.parent.executionId,
        visibleAtMs: now,
        message: { type: "event", event: failed },
      });
    }
  } else {
    await deliver(ctx, {
      kind: "message",
      instanceId: outbox.instanceId,
      rowKey: outbox.rowKey,
      generation: outbox.generation,
      ...(outbox.executionId === undefined ? {} : { executionId: outbox.executionId }),
      visibleAtMs: now,
      message: { type: "event", event: outbox.event },
    });
  }
  ctx.assertAlive();
  await ctx.store.deleteRow(ownerInstanceId, rowKey);
  ctx.wake(outbox.instanceId);
}

/** Writes a message into another instance's inbox (idempotently: its row key is deterministic). */
async function deliver(ctx: EngineContext, message: NewMessage): Promise<void> {
  ctx.assertAlive();
  await ctx.store.putWork(message);
  ctx.inbox.written(message);
}
