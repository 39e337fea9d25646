/**
 * Following an operation: read the environment every `intervalMs`, hand each snapshot to the renderer,
 * stop when the operation ends — or when the user presses Ctrl-C, which stops only the watching: the
 * build or destroy goes on in the service (nothing is sent to it).
 */
import type { PlanGraph } from "../../functions/plan-graph";
import type { CliIo } from "../io";
import {
  isServiceUnreachable,
  type Answer,
  type EnvironmentAnswer,
  type ServiceClient,
} from "../service/client";
import type { WordContext } from "./node-words";
import type { LiveRenderer } from "./renderers";
import { hasEnded, snapshotOf, wordContextOf, type Snapshot } from "./snapshot";

/** Default milliseconds between two reads of the environment. */
export const FOLLOW_INTERVAL_MS = 1000;
/** How long the service may fail to answer (5xx, unreachable) before envctl gives up, in ms. */
export const FOLLOW_OUTAGE_MS = 30_000;

/** How following ended. */
export type FollowEnd =
  | { readonly kind: "ended" | "interrupted"; readonly snapshot: Snapshot; readonly view: EnvironmentAnswer }
  | { readonly kind: "refused"; readonly answer: Extract<Answer<unknown>, { ok: false }> };

/** Options of {@link follow}. */
export interface FollowOptions {
  readonly intervalMs?: number;
  /** The diff taken before an apply: running resources read "creating", "updating" or "checking". */
  readonly changes?: WordContext["changes"];
}

/** Follows `environmentId`'s running (or last) operation to its end. */
export async function follow(
  io: CliIo,
  client: ServiceClient,
  environmentId: string,
  renderer: LiveRenderer,
  options: FollowOptions = {},
): Promise<FollowEnd> {
  const interval = options.intervalMs ?? FOLLOW_INTERVAL_MS;
  const stop = new AbortController();
  const unsubscribe = io.onInterrupt(() => stop.abort());
  let graph: PlanGraph | undefined;
  let graphHash: string | undefined;
  let last: { snapshot: Snapshot; view: EnvironmentAnswer } | undefined;
  let outageSinceMs: number | undefined;
  try {
    for (;;) {
      let answer: Answer<EnvironmentAnswer>;
      try {
        answer = await client.get(environmentId);
        if (!answer.ok && answer.status >= 500) throw new Error(`the service answered ${answer.status}`);
        outageSinceMs = undefined;
      } catch (error) {
        // A host restarting or a blip: keep the view and try again, for a while.
        outageSinceMs ??= Date.now();
        if (Date.now() - outageSinceMs > FOLLOW_OUTAGE_MS || (!last && !isServiceUnreachable(error)))
          throw error;
        await io.sleep(interval, stop.signal);
        if (stop.signal.aborted && last) {
          renderer.finish(last.snapshot, true);
          return { kind: "interrupted", ...last };
        }
        continue;
      }
      if (!answer.ok) return { kind: "refused", answer };
      const view = answer.body;
      if (graphHash !== view.planHash) {
        const graphAnswer = await client.graph(environmentId);
        graph = graphAnswer.ok ? graphAnswer.body : undefined;
        graphHash = view.planHash;
      }
      const snapshot = snapshotOf(view, graph, wordContextOf(view, options.changes));
      last = { snapshot, view };
      if (hasEnded(snapshot)) {
        renderer.finish(snapshot, false);
        return { kind: "ended", snapshot, view };
      }
      renderer.update(snapshot);
      await io.sleep(interval, stop.signal);
      if (stop.signal.aborted) {
        renderer.finish(snapshot, true);
        return { kind: "interrupted", snapshot, view };
      }
    }
  } finally {
    unsubscribe();
  }
}
