/**
 * The pieces of envctl's live views, in-process: the words for the service's states, what counts as a
 * change between two reads, and the terminal frame — its lines, and how it shrinks to fit a window.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nodeWord, type WordContext } from "../../cli/live/node-words";
import { changesBetween, frameLines, outcomeLine } from "../../cli/live/renderers";
import type { LiveNode, Snapshot } from "../../cli/live/snapshot";
import { cut, shortDuration } from "../../cli/live/text";

const apply: WordContext = { operation: "apply", firstBuild: true };

describe("the words for a resource's state", () => {
  test("a build's states read waiting, creating, done, unchanged, failed, skipped", () => {
    assert.deepEqual(
      ["pending", "creating", "succeeded", "unchanged", "failed", "skipped"].map((state) =>
        nodeWord(state, "k", apply),
      ),
      ["waiting", "creating", "done", "unchanged", "failed", "skipped"],
    );
  });

  test("a running resource is creating, updating or checking as the diff before the apply said", () => {
    const changes = new Map([
      ["new", "create"],
      ["changed", "update"],
      ["same", "unchanged"],
      ["secrets", "unknown"],
      ["new-engine", "replace"],
    ] as const);
    const context: WordContext = { operation: "apply", firstBuild: false, changes };
    assert.deepEqual(
      ["new", "changed", "same", "secrets", "new-engine"].map((key) => nodeWord("creating", key, context)),
      ["creating", "updating", "checking", "checking", "creating"],
    );
    // Without a diff: a first build creates, a re-apply updates.
    assert.equal(nodeWord("creating", "x", { operation: "apply", firstBuild: false }), "updating");
  });

  test("a destroy's resources are deleting, then deleted; a node awaiting an upload needs input", () => {
    const destroy: WordContext = { operation: "destroy", firstBuild: false };
    assert.equal(nodeWord("creating", "k", destroy), "deleting");
    assert.equal(nodeWord("succeeded", "k", destroy), "deleted");
    assert.equal(nodeWord("waiting", "k", apply), "needs input");
    assert.equal(nodeWord("something-new", "k", apply), "unknown");
  });
});

const node = (key: string, stage: string, word: LiveNode["word"], elapsedSec?: number): LiveNode => ({
  key,
  stage,
  word,
  ...(elapsedSec === undefined ? {} : { elapsedSec }),
});

function snapshotWith(nodes: LiveNode[], extra: Partial<Snapshot> = {}): Snapshot {
  return {
    environmentId: "acme-staging",
    operation: "apply",
    status: "running",
    nodes,
    stages: [...new Set(nodes.map((n) => n.stage))],
    finished: nodes.filter((n) => ["done", "unchanged", "failed", "skipped"].includes(n.word)).length,
    total: nodes.length,
    elapsedSec: 75,
    etaSec: 30,
    stage: "data",
    failures: [],
    leftInAzure: [],
    ...extra,
  };
}

const running = snapshotWith([
  node("base/rg", "network", "done", 1.2),
  node("base/vnet", "network", "done", 12),
  node("cache/cache", "data", "creating", 40),
  node("cache/pe", "data", "waiting"),
  node("cache/zone", "data", "waiting"),
  node("db/server", "data", "failed", 3),
  node("db/database", "data", "skipped"),
]);
const frame = (snapshot: Snapshot, rows = Infinity, columns = 100) =>
  frameLines(snapshot, { columns, rows, sinceSnapshotSec: 0, spinner: 0, footer: "footer" });

describe("the live view's frame", () => {
  test("heads with the status, a bar with counts, elapsed and ETA; one line per resource under its stage", () => {
    assert.deepEqual(
      frame({ ...running, failures: [{ nodeKey: "db/server", code: "QuotaExceeded", message: "no" }] }),
      [
        "apply acme-staging · running · stage data",
        "█████████████████░░░░░░░░░░░░░ 4/7  elapsed 1m 15s  ETA ~30s",
        "network  2/2 ✓",
        "  ✓ base/rg      done        1.2s",
        "  ✓ base/vnet    done        12s",
        "data  2/5",
        "  ⠋ cache/cache  creating    40s",
        "  · cache/pe     waiting    ",
        "  · cache/zone   waiting    ",
        "  ✗ db/server    failed      3s",
        "  - db/database  skipped    ",
        "Failures",
        "  ✗ db/server: QuotaExceeded: no",
        "footer",
      ],
    );
  });

  test("keeps clocks running between two reads of the service", () => {
    const lines = frameLines(running, {
      columns: 100,
      rows: Infinity,
      sinceSnapshotSec: 5,
      spinner: 3,
      footer: "",
    });
    assert.equal(lines[1], "█████████████████░░░░░░░░░░░░░ 4/7  elapsed 1m 20s  ETA ~25s");
    assert.equal(lines[6], "  ⠸ cache/cache  creating    45s");
    assert.equal(lines[3], "  ✓ base/rg      done        1.2s", "finished resources keep their time");
  });

  test("shrinks to the window: finished stages fold first, then waiting resources are counted", () => {
    const folded = frame(running, 11);
    assert.ok(folded.length <= 11, folded.join("\n"));
    assert.equal(folded[2], "network  2/2 ✓");
    assert.equal(folded[3], "data  2/5");
    const counted = frame(running, 9);
    assert.ok(counted.length <= 9, counted.join("\n"));
    assert.ok(counted.includes("  · 2 waiting"), counted.join("\n"));
    assert.ok(counted.includes("  ⠋ cache/cache  creating    40s"), "what runs stays in view");
    assert.equal(counted.at(-1), "footer");
  });

  test("never writes a line wider than the window (a wrapped line would break the redraw)", () => {
    for (const line of frame(running, Infinity, 24)) assert.ok([...line].length <= 23, line);
    assert.equal(
      cut([["abcdef"]], 4)
        .map(([text]) => text)
        .join(""),
      "abc…",
    );
  });
});

describe("what changed between two reads", () => {
  test("the first read reports every resource that is not waiting; later ones, each word that changed", () => {
    const first = changesBetween(undefined, running);
    assert.deepEqual(
      first.nodes.map((n) => n.key),
      ["base/rg", "base/vnet", "cache/cache", "db/server", "db/database"],
    );
    const next = snapshotWith(
      running.nodes.map((n) => (n.key === "cache/cache" ? { ...n, word: "done" } : n)),
      {
        failures: [{ nodeKey: "db/server", code: "QuotaExceeded", message: "no" }],
      },
    );
    const changes = changesBetween(running, next);
    assert.deepEqual(
      changes.nodes.map((n) => `${n.key} ${n.word}`),
      ["cache/cache done"],
    );
    assert.deepEqual(
      changes.failures.map((f) => f.code),
      ["QuotaExceeded"],
    );
    assert.equal(changes.progressed, true);
    assert.equal(changesBetween(next, next).progressed, false);
  });

  test("sums up how it ended, or that watching stopped while it goes on", () => {
    const ended = snapshotWith([...running.nodes], { status: "failed" });
    assert.equal(
      outcomeLine(ended, false),
      "Apply of acme-staging failed after 1m 15s: 2 done, 1 creating, 2 waiting, 1 failed, 1 skipped",
    );
    assert.equal(
      outcomeLine(running, true),
      "Stopped watching after 1m 15s: the apply of acme-staging goes on in the service. Follow it again: envctl watch acme-staging",
    );
    assert.equal(shortDuration(3.04), "3s");
    assert.equal(shortDuration(3661), "1h 1m");
  });
});
