import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { progressView, type ProgressView } from "../../functions/progress-view";
import type { InstanceSnapshot } from "../../functions/ports";

const created = Date.UTC(2026, 10, 30, 12, 0, 0);
const instance = (
  progress: unknown,
  updatedAfterSec: number,
  runtimeStatus = "Running",
): InstanceSnapshot => ({
  instanceId: "acme-dev",
  runtimeStatus,
  customStatus: progress,
  output: null,
  createdTime: new Date(created).toISOString(),
  lastUpdatedTime: new Date(created + updatedAfterSec * 1000).toISOString(),
});
const progress = (elapsedSec: number, etaSec: number) => ({
  environmentId: "acme-dev",
  operation: "apply",
  nodes: {},
  elapsedSec,
  etaSec,
  failures: [],
});

describe("progress in wall-clock seconds", () => {
  test("on a host whose durable time runs 20× the wall clock, 23 s read as 23 s, not 460", () => {
    // The orchestration counted 400 s when 20 wall seconds had passed; 3 more have passed since.
    const view = progressView(instance(progress(400, 600), 20), created + 23_000) as ProgressView;
    assert.equal(view.elapsedSec, 23);
    // 600 orchestration seconds left at 1/20 is 30 wall seconds, 3 of which have passed.
    assert.equal(view.etaSec, 27);
    assert.equal(view.orchestrationElapsedSec, 400);
    assert.equal(view.orchestrationEtaSec, 600);
  });

  test("converts the timeline too, to tenths of a wall-clock second", () => {
    const timed = {
      ...progress(400, 600),
      timeline: { "base/rg": { startSec: 0, endSec: 7 }, "k8s/aks": { startSec: 7 } },
    };
    const view = progressView(instance(timed, 20), created + 23_000) as ProgressView;
    assert.deepEqual(view.timeline, {
      "base/rg": { startSec: 0, endSec: 0.4 },
      "k8s/aks": { startSec: 0.4 },
    });
  });

  test("on Azure (one rate) the orchestration's own figures stand", () => {
    const view = progressView(instance(progress(300, 900), 300), created + 300_000) as ProgressView;
    assert.equal(view.elapsedSec, 300);
    assert.equal(view.etaSec, 900);
  });

  test("a finished instance's elapsed time ends with it", () => {
    const view = progressView(
      instance(progress(800, 0), 40, "Completed"),
      created + 3_600_000,
    ) as ProgressView;
    assert.equal(view.elapsedSec, 40);
    assert.equal(view.etaSec, 0);
  });

  test("a custom status that is not progress is shown as it is", () => {
    assert.deepEqual(progressView(instance({ total: 3, done: 1 }, 1), created), { total: 3, done: 1 });
    assert.equal(progressView(instance(null, 1), created), undefined);
  });
});
