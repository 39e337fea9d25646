/**
 * The Azure Storage backend's queue polling, as the engine models it (`queuePolling` settings): a
 * durable timer is noticed at the first poll of its control queue after it is due, polls back off to
 * `maxQueuePollingInterval` while the queue is idle, and what this host sends is picked up at once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { scaledClock } from "../src/durable";
import { fnv1a, partitionOf, QueuePoller, type QueuePollingSettings } from "../src/durable/queue-polling";
import { HubStore } from "../src/durable/store";
import { orchestrationNames } from "./fixtures/durable-app/names";
import { startHarness, waitForStatus, type Harness } from "./durable-harness";

/** The back-off's random draw in the middle of its range: every increment exactly `2^(n−1) × 50 ms`. */
const MIDDLE = () => 0.5;
const TEN_SECONDS: QueuePollingSettings = { partitionCount: 1, maxIntervalMs: 10_000, minIntervalMs: 50 };

type HistoryEntry = { EventType: string; FunctionName?: string; ScheduledTime?: string; FireAt?: string };

describe("the Azure Storage backend's queue polling (model)", () => {
  test("hashes instance ids with 32-bit FNV-1a over UTF-8, as DurableTask.AzureStorage places them", () => {
    assert.equal(fnv1a(""), 0x811c9dc5);
    assert.equal(fnv1a("a"), 0xe40c292c);
    assert.equal(fnv1a("foobar"), 0xbf9cf968);
    assert.equal(partitionOf("a", 4), 0xe40c292c % 4);
    const spread = new Set(Array.from({ length: 64 }, (_, i) => partitionOf(`acme-env-${i}`, 4)));
    assert.deepEqual([...spread].sort(), [0, 1, 2, 3]);
  });

  test("backs off from 50 ms, doubling the increment, up to the maximum, where it stays", () => {
    const poller = new QueuePoller(TEN_SECONDS, 0, MIDDLE);
    const polls: number[] = [];
    for (let at = 0; polls.length < 13; at = (polls[polls.length - 1] ?? 0) + 1)
      polls.push(poller.firstPollAtOrAfter(at));
    assert.deepEqual(
      polls,
      [0, 50, 150, 300, 550, 1_000, 1_850, 3_500, 6_750, 13_200, 23_200, 33_200, 43_200],
    );
  });

  test("notices a message at the first poll at or after it becomes visible, the same every time asked", () => {
    const poller = new QueuePoller(TEN_SECONDS, 0, Math.random);
    const first = poller.firstPollAtOrAfter(30_000);
    assert.ok(first >= 30_000 && first <= 40_000, `${first}`);
    assert.equal(poller.firstPollAtOrAfter(30_000), first);
  });

  test("never notices a message more than maxQueuePollingInterval after it becomes visible", () => {
    for (let run = 0; run < 50; run++) {
      const poller = new QueuePoller(TEN_SECONDS, 0, Math.random);
      const visibleAt = Math.random() * 120_000;
      const noticed = poller.firstPollAtOrAfter(visibleAt);
      assert.ok(noticed >= visibleAt && noticed - visibleAt <= 10_000, `${visibleAt} → ${noticed}`);
    }
  });

  test("polls every maxQueuePollingInterval once the back-off reaches it, however far the message is", () => {
    const poller = new QueuePoller(TEN_SECONDS, 0, MIDDLE);
    // 13.2 s is the first poll after the waits reach 10 s; from there every 10 s.
    assert.equal(poller.firstPollAtOrAfter(86_400_000), 86_403_200);
    assert.equal(poller.firstPollAtOrAfter(30_000), 33_200);
  });

  test("starts over from the shortest wait when this host sends to the queue or a poll finds messages", () => {
    const poller = new QueuePoller(TEN_SECONDS, 0, MIDDLE);
    assert.equal(poller.firstPollAtOrAfter(30_000), 33_200);
    poller.signal(25_000);
    // 25 s + 0, 50, 150, 300, 550, 1000, 1850, 3500, 6750: the poll at 31.75 s is the first after 30 s.
    assert.equal(poller.firstPollAtOrAfter(30_000), 31_750);
    poller.found(31_750);
    assert.equal(poller.firstPollAtOrAfter(31_760), 31_800);
  });
});

describe("the engine under the polling model", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  /** Orchestration ms between a timer's due time and the step after it (the timer being noticed). */
  async function timerLatenessMs(queuePolling: "fixed" | QueuePollingSettings): Promise<number> {
    // 10× real time: the engine's own wall-clock cost per episode stays small in orchestration time.
    const engine = await harness.engine({ queuePolling, random: MIDDLE, clock: scaledClock(10) });
    const id = await engine.startNew(orchestrationNames.timerThenHello, { input: 30_000 });
    const status = await waitForStatus(engine, id, undefined, 15_000, { showHistory: true });
    assert.equal(status.output, "Hello after timer");
    const events = status.historyEvents as HistoryEntry[];
    const fired = events.find((event) => event.EventType === "TimerFired");
    const next = events.find((event) => event.EventType === "TaskCompleted");
    return Date.parse(next?.ScheduledTime ?? "") - Date.parse(fired?.FireAt ?? "");
  }

  test("notices an idle queue's durable timer as late as the backend would: at its next poll", async () => {
    // The timer's own message woke the queue when it was written; 30 s later the queue polls every 10 s
    // (polls at +23.2 s and +33.2 s), so the timer is noticed about 3.2 s after it is due.
    const lateMs = await timerLatenessMs(TEN_SECONDS);
    assert.ok(lateMs >= 2_500 && lateMs <= 12_000, `noticed ${lateMs} ms after it was due`);
  });

  test("notices it within the engine's poll when polling fast (tests that are not about timing)", async () => {
    // A 20 ms poll on a clock 10× real time: 0.2 s of orchestration time, plus the episode's own time.
    const lateMs = await timerLatenessMs("fixed");
    assert.ok(lateMs < 2_500, `noticed ${lateMs} ms after it was due`);
  });

  test("picks up what this host sends at once, however long the idle polling interval", async () => {
    // On the real clock with a 30 s maximum, a sequence of activities and a sub-orchestration would
    // take minutes if results waited for an idle queue's poll.
    const engine = await harness.engine({
      queuePolling: { partitionCount: 4, maxIntervalMs: 30_000, minIntervalMs: 50 },
      clock: scaledClock(1),
    });
    const startedAt = Date.now();
    const id = await engine.startNew(orchestrationNames.parent, {
      instanceId: `polling-parent-${Date.now()}`,
    });
    const status = await waitForStatus(engine, id, undefined, 10_000);
    assert.equal(status.runtimeStatus, "Completed");
    assert.ok(Date.now() - startedAt < 10_000);
  });
});

describe("scans of an idle hub under the polling model", () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test("back off to maxQueuePollingInterval while nothing is found, and a start is still run at once", async () => {
    const original = HubStore.prototype.listVisibleWork;
    let scans = 0;
    HubStore.prototype.listVisibleWork = function (this: InstanceType<typeof HubStore>, nowMs: number) {
      scans += 1;
      return original.call(this, nowMs);
    };
    try {
      const engine = await harness.engine({
        pollIntervalMs: 20,
        clock: scaledClock(1),
        queuePolling: { partitionCount: 1, minIntervalMs: 50, maxIntervalMs: 400 },
      });
      const idleMs = 2_000;
      await new Promise((resolve) => setTimeout(resolve, idleMs));
      // Every 20 ms that would be about 100 scans; backing off 20, 40, … 400 ms it is about a dozen.
      assert.ok(scans >= 4 && scans <= 15, `${scans} scans in ${idleMs} ms`);
      const startedAt = Date.now();
      const id = await engine.startNew(orchestrationNames.sequence, { input: ["Oslo"] });
      const status = await waitForStatus(engine, id, undefined, 10_000);
      assert.equal(status.runtimeStatus, "Completed");
      assert.ok(Date.now() - startedAt < 2_000, "a local start does not wait for the next scan");
    } finally {
      HubStore.prototype.listVisibleWork = original;
    }
  });
});
