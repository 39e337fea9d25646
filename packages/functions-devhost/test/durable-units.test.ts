import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { durableClientBinding, retryDelayMs, scaledClock, continuedAnchor } from "../src/durable";
import { findNonDeterminism } from "../src/durable/decide";
import {
  ActionType,
  EventType,
  historyEvent,
  idConsumingActions,
  type WireAction,
} from "../src/durable/history";
import { runEpisode } from "../src/durable/episode";
import { viewHistory } from "../src/durable/history-view";
import { encodeKey, packJson, sortableTime, unpackJson } from "../src/durable/table-values";

describe("retry delays", () => {
  const options = { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 6, backoffCoefficient: 2 };

  test("grow as first × backoff^(attempt − 1)", () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => retryDelayMs(options, attempt, 0, 0)),
      [1000, 2000, 4000, 8000],
    );
  });

  test("are capped by maxRetryIntervalInMilliseconds", () => {
    const capped = { ...options, maxRetryIntervalInMilliseconds: 3000 };
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => retryDelayMs(capped, attempt, 0, 0)),
      [1000, 2000, 3000, 3000],
    );
  });

  test("stay constant without a backoff coefficient (the real default is 1)", () => {
    const flat = { firstRetryIntervalInMilliseconds: 250, maxNumberOfAttempts: 4 };
    assert.deepEqual(
      [1, 2, 3].map((attempt) => retryDelayMs(flat, attempt, 0, 0)),
      [250, 250, 250],
    );
  });

  test("end when attempts are used up or retryTimeoutInMilliseconds has passed since the first attempt", () => {
    assert.equal(retryDelayMs(options, 6, 0, 0), undefined);
    const timed = { ...options, retryTimeoutInMilliseconds: 5000 };
    assert.equal(retryDelayMs(timed, 2, 10_000, 14_999), 2000);
    assert.equal(retryDelayMs(timed, 2, 10_000, 15_000), undefined);
  });
});

describe("task numbering and determinism", () => {
  const activity = (name: string): WireAction => ({
    actionType: ActionType.CallActivity,
    functionName: name,
  });
  const timer: WireAction = { actionType: ActionType.CreateTimer, fireAt: "2030-01-01T00:00:00.000Z" };
  const waitEvent: WireAction = { actionType: ActionType.WaitForExternalEvent, externalEventName: "E" };

  test("numbers tasks depth-first through Task.all and Task.any, skipping external events", () => {
    const actions: WireAction[] = [
      activity("A"),
      { actionType: ActionType.WhenAll, compoundActions: [activity("B"), activity("C")] },
      { actionType: ActionType.WhenAny, compoundActions: [waitEvent, timer] },
      activity("D"),
    ];
    assert.deepEqual(
      idConsumingActions(actions).map((a) => a.functionName ?? "timer"),
      ["A", "B", "C", "timer", "D"],
    );
  });

  const recorded = (names: string[]) =>
    viewHistory(
      names.map((name, index) =>
        historyEvent(EventType.TaskScheduled, 0, {
          EventId: index,
          Name: name,
          ActionType: ActionType.CallActivity,
          ActionIndex: index,
        }),
      ),
    );

  test("accepts a replay that repeats the recorded actions and adds new ones", () => {
    assert.equal(
      findNonDeterminism(recorded(["A", "B"]), [activity("A"), activity("B"), activity("C")]),
      undefined,
    );
  });

  test("fails a replay that schedules another activity where one was recorded", () => {
    const message = findNonDeterminism(recorded(["A", "B"]), [activity("A"), activity("X")]);
    assert.match(
      message ?? "",
      /Non-deterministic orchestration.*activity 'B' with sequence ID 1.*activity 'X'/,
    );
  });

  test("fails a replay that schedules less than was recorded", () => {
    assert.match(findNonDeterminism(recorded(["A", "B"]), [activity("A")]) ?? "", /replay scheduled nothing/);
  });

  test("fails a replay that swaps an activity for a timer", () => {
    assert.match(findNonDeterminism(recorded(["A"]), [timer]) ?? "", /activity 'A'.*timer/);
  });
});

describe("table encoding", () => {
  test("round-trips values larger than one string property", () => {
    const value = { text: "x".repeat(50_000), list: [1, 2, 3] };
    const entity: Record<string, unknown> = {};
    packJson(entity, "payload", value);
    assert.ok(Number(entity.payloadParts) > 1);
    assert.deepEqual(unpackJson(entity, "payload"), value);
    packJson(entity, "nothing", undefined);
    assert.equal(unpackJson(entity, "nothing"), undefined);
  });

  test("escapes key characters the Table service rejects and keeps prefixes", () => {
    assert.equal(encodeKey("parent:child/1#a?b%"), "parent:child%2f1%23a%3fb%25");
    assert.ok(encodeKey("list-a-1/x").startsWith(encodeKey("list-a-")));
  });

  test("time strings compare like the times", () => {
    assert.ok(sortableTime(999) < sortableTime(1000));
    assert.ok(sortableTime(Date.parse("2030-01-01")) > sortableTime(Date.parse("2029-12-31")));
  });
});

describe("client binding payload and clock", () => {
  test("has the real host's URL templates under the webhook path, with the system key", () => {
    const binding = durableClientBinding({
      taskHubName: "Hub",
      origin: "http://127.0.0.1:7071/",
      rpcBaseUrl: "http://127.0.0.1:7071/durabletask",
      systemKey: "k",
    });
    assert.equal(binding.rpcBaseUrl, "http://127.0.0.1:7071/durabletask/");
    assert.equal(binding.managementUrls.id, "INSTANCEID");
    assert.equal(
      binding.managementUrls.statusQueryGetUri,
      "http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/INSTANCEID?taskHub=Hub&connection=Storage&code=k",
    );
    assert.equal(
      binding.creationUrls.createNewInstancePostUri,
      "http://127.0.0.1:7071/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?taskHub=Hub&connection=Storage&code=k",
    );
    assert.equal(binding.requiredQueryStringParameters, "taskHub=Hub&connection=Storage&code=k");
  });

  test("a scaled clock runs faster than real time by its factor", async () => {
    const clock = scaledClock(100);
    const before = clock.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const elapsed = clock.now() - before;
    assert.ok(elapsed >= 100 * 45, `elapsed ${elapsed} clock ms`);
    assert.throws(() => scaledClock(0), RangeError);
  });

  test("a scaled clock converts its times back to the wall clock, both ways", () => {
    const clock = scaledClock(20, { wallMs: 1_000_000, clockMs: 5_000_000, factor: 20 });
    assert.equal(clock.toWallMs(5_000_000 + 20 * 60_000), 1_000_000 + 60_000);
    assert.equal(clock.fromWallMs(1_000_000 + 60_000), 5_000_000 + 20 * 60_000);
    const wallNow = Date.now();
    assert.ok(Math.abs(clock.toWallMs(clock.now()) - wallNow) < 50);
  });

  test("a restarted host continues the stored durable time, never the wall clock's", () => {
    // The previous host ran 10 real minutes at 20×: durable time is 200 minutes past its start.
    const startedMs = Date.UTC(2026, 0, 1);
    const stored = { wallMs: startedMs, clockMs: startedMs, factor: 20 };
    const restartedAt = startedMs + 10 * 60_000;
    const same = continuedAnchor(stored, 20, restartedAt);
    assert.equal(same, stored, "the same factor keeps the stored anchor");
    assert.equal(scaledClock(20, same).fromWallMs(restartedAt), startedMs + 200 * 60_000);
    // A new factor continues from the reading at the restart, so time never goes back.
    const faster = continuedAnchor(stored, 50, restartedAt);
    assert.deepEqual(faster, { wallMs: restartedAt, clockMs: startedMs + 200 * 60_000, factor: 50 });
    assert.deepEqual(continuedAnchor(undefined, 3, restartedAt), {
      wallMs: restartedAt,
      clockMs: restartedAt,
      factor: 3,
    });
  });
});

describe("wire numbers", () => {
  /** The library's own enums (not in its public types): the numbers a faithful history carries. */
  const library = (path: string) =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(`durable-functions/lib/src/${path}`) as Record<string, Record<string, number>>;

  test("history event types are the library's HistoryEventType numbers", () => {
    const { HistoryEventType } = library("history/HistoryEventType");
    for (const [name, value] of Object.entries(EventType)) {
      assert.equal(value, HistoryEventType?.[name], `EventType.${name}`);
    }
  });

  test("action types are the library's ActionType numbers", () => {
    const { ActionType: libraryActionType } = library("actions/ActionType");
    for (const [name, value] of Object.entries(ActionType)) {
      assert.equal(value, libraryActionType?.[name], `ActionType.${name}`);
    }
  });
});

describe("an episode's history", () => {
  /** What the durable-functions library does to the history it is given: every `Timestamp` becomes a Date. */
  function datesEverywhere(value: unknown): void {
    if (typeof value !== "object" || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.Timestamp === "string") record.Timestamp = new Date(record.Timestamp);
    Object.values(record).forEach(datesEverywhere);
  }

  test("is the orchestrator's own copy: the library's Dates never reach the engine's events, nested ones included", async () => {
    const started = historyEvent(EventType.ExecutionStarted, 1_000, { Name: "o", Input: "{}" });
    // A field of this host's with an object in it, holding a Timestamp the library would rewrite too.
    const polled = historyEvent(EventType.TimerCreated, 2_000, {
      EventId: 0,
      FireAt: new Date(3_000).toISOString(),
      HttpPoll: { request: { method: "GET", uri: "http://x", headers: { Timestamp: "Tue, 01 Dec 2026" } } },
    } as never);
    const history = [historyEvent(EventType.OrchestratorStarted, 1_000), started, polled];
    const before = JSON.stringify(history);
    let seen: unknown[] = [];
    const orchestrator = {
      name: "o",
      bindings: {},
      triggerName: "context",
      trigger: { type: "orchestrationTrigger", direction: "in" as const },
      handler: (payload: unknown) => {
        seen = (payload as { history: unknown[] }).history;
        datesEverywhere(seen);
        return { isDone: false, actions: [[]] };
      },
    };
    const result = await runEpisode({ orchestrator, instanceId: "i", history, input: {} });
    assert.equal(result.error, undefined);
    assert.ok((seen[0] as { Timestamp: unknown }).Timestamp instanceof Date, "the library saw Dates");
    assert.equal(JSON.stringify(history), before);
    assert.equal(typeof history[0]?.Timestamp, "string");
  });
});
