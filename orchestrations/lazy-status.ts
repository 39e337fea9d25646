import type { OrchestrationContext } from "durable-functions";

/**
 * Sets the orchestration's custom status to what `compute` returns, computed only when the status is
 * serialized: the host sends it with `JSON.stringify`, which calls `toJSON`.
 *
 * An episode replays the orchestration from its start, so every status update of every earlier round
 * runs again, and only the episode's last one is kept. For a build that made each episode compute a
 * progress report of the whole plan once per round so far: work growing with the square of the plan.
 * Lazily, only the kept one is computed.
 *
 * `compute` runs when the episode ends, so it must read values that no code changes between this call
 * and then: values captured here, or state the orchestration changes only before its next update.
 */
export function setCustomStatusLazily(context: OrchestrationContext, compute: () => unknown): void {
  context.df.setCustomStatus({ toJSON: compute });
}
