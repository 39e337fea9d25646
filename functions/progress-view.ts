/**
 * Progress as people read it: in wall-clock seconds. An orchestration measures elapsed time and its ETA
 * on orchestration time, which is the wall clock on Azure but may run faster on a local host that
 * compresses Azure's durations (the devhost under `npm start`). The rate between the two is measured
 * from the instance itself — how much wall time passed while the orchestration counted its seconds —
 * so the same code is right on both, with no knowledge of any host.
 */
import type { EnvironmentProgress, NodeSpan } from "../orchestrations/contracts";
import type { InstanceSnapshot } from "./ports";

/**
 * {@link EnvironmentProgress} with its times in wall-clock seconds, and the orchestration's own beside them.
 * `timeline` is wall-clock too (tenths of a second: on a compressing host a whole build may last a minute).
 */
export type ProgressView = EnvironmentProgress & {
  /** Seconds of orchestration time the build has run (Azure's seconds); `elapsedSec` is wall-clock. */
  readonly orchestrationElapsedSec: number;
  /** Estimated orchestration seconds left, from the latency model; `etaSec` is wall-clock. */
  readonly orchestrationEtaSec: number;
};

function isProgress(value: unknown): value is EnvironmentProgress {
  const progress = value as Partial<EnvironmentProgress> | null;
  return typeof progress?.elapsedSec === "number" && typeof progress.etaSec === "number";
}

/**
 * The instance's custom status with wall-clock `elapsedSec` and `etaSec`; anything that is not
 * progress is returned as it is.
 * @param nowMs - wall-clock now, in epoch milliseconds
 */
export function progressView(instance: InstanceSnapshot, nowMs: number): unknown {
  const progress = instance.customStatus;
  if (!isProgress(progress)) return progress ?? undefined;
  const createdMs = Date.parse(instance.createdTime);
  const updatedMs = Date.parse(instance.lastUpdatedTime);
  const running = ["Pending", "Running"].includes(instance.runtimeStatus);
  const wallAtUpdateSec = Math.max(0, (updatedMs - createdMs) / 1000);
  // Wall seconds per orchestration second, as this instance ran; 1 until it has run long enough to tell.
  const rate = progress.elapsedSec >= 1 && wallAtUpdateSec > 0 ? wallAtUpdateSec / progress.elapsedSec : 1;
  const sinceUpdateSec = running ? Math.max(0, (nowMs - updatedMs) / 1000) : 0;
  const view: ProgressView = {
    ...progress,
    elapsedSec: Math.round(running ? Math.max(0, (nowMs - createdMs) / 1000) : wallAtUpdateSec),
    etaSec: Math.round(Math.max(0, progress.etaSec * rate - sinceUpdateSec)),
    orchestrationElapsedSec: progress.elapsedSec,
    orchestrationEtaSec: progress.etaSec,
    ...(progress.timeline ? { timeline: scaledTimeline(progress.timeline, rate) } : {}),
  };
  return view;
}

function scaledTimeline(
  timeline: Readonly<Record<string, NodeSpan>>,
  rate: number,
): Readonly<Record<string, NodeSpan>> {
  const wall = (sec: number) => Math.round(sec * rate * 10) / 10;
  return Object.fromEntries(
    Object.entries(timeline).map(([key, span]) => [
      key,
      { startSec: wall(span.startSec), ...(span.endSec === undefined ? {} : { endSec: wall(span.endSec) }) },
    ]),
  );
}
