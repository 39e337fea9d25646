/** Helpers shared by the devhost front's tests. */
import { setTimeout as delay } from "node:timers/promises";

/**
 * Polls `probe` every `intervalMs` until it returns something other than `undefined`/`false`.
 * @throws when `timeoutMs` passes first, with `what` in the message.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}
