/**
 * `anyWithoutRescheduling` through the real replay: a task of an earlier round is awaited again, beside a
 * new one and alone, and each is scheduled once (the driver refuses an action sent twice, #574).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OrchestrationContext, Task } from "durable-functions";
import { anyWithoutRescheduling } from "../../../orchestrations/any-without-rescheduling";
import { DurableDriver } from "./driver";
import { registerTestOrchestration } from "./registrations";

const SECOND_MS = 1000;

/**
 * Three rounds over timers at 10 s and 20 s: the first round waits for the 10 s timer or a 1 s one, the
 * second for the 10 s timer (again) or the new 20 s one, the third for the 20 s timer alone (again).
 * Returns the orchestration time, in seconds from its start, at which each round woke.
 */
registerTestOrchestration("awaitsAgainWithoutRescheduling", function* (context: OrchestrationContext) {
  const startMs = context.df.currentUtcDateTime.getTime();
  const at = (sec: number) => context.df.createTimer(new Date(startMs + sec * SECOND_MS));
  const elapsedSec = () => (context.df.currentUtcDateTime.getTime() - startMs) / SECOND_MS;
  const woke: number[] = [];
  const tenSeconds = at(10);
  const winners: Task[] = [];
  winners.push((yield anyWithoutRescheduling(context, [tenSeconds, at(1)])) as Task);
  woke.push(elapsedSec());
  const twentySeconds = at(20);
  winners.push((yield anyWithoutRescheduling(context, [tenSeconds, twentySeconds])) as Task);
  woke.push(elapsedSec());
  winners.push((yield anyWithoutRescheduling(context, [twentySeconds])) as Task);
  woke.push(elapsedSec());
  return { woke, winnersWere: [winners[1] === tenSeconds, winners[2] === twentySeconds] };
});

describe("awaiting a scheduled task again (anyWithoutRescheduling)", () => {
  test("schedules each task once, and the new Task.any wakes at the earlier task's end", async () => {
    const driver = new DurableDriver({ activities: () => null });
    const run = await driver.run("awaitsAgainWithoutRescheduling", null);
    assert.equal(run.status, "Completed", run.error);
    assert.deepEqual(run.output, { woke: [1, 10, 20], winnersWere: [true, true] });
    // Three timers, each created once: the rounds that awaited them again sent nothing for them.
    assert.deepEqual(
      driver.timers.map((timer) => (timer.fireAtMs - timer.createdAtMs) / SECOND_MS).sort((a, b) => a - b),
      [1, 10, 19],
    );
  });
});
