/** Time source of the engine: timers, leases and event timestamps all read it. */
export interface Clock {
  /** Current time in epoch milliseconds (clock time). */
  now(): number;
  /** How many clock milliseconds pass per real millisecond (1 on the real clock). */
  readonly factor: number;
}

/** The real clock. */
export const realClock: Clock = { now: () => Date.now(), factor: 1 };

/**
 * A clock that runs `factor` times faster than real time from the moment it is made, so tests can wait on
 * durable timers of minutes in a fraction of a second. Every engine sharing a hub must use the same clock.
 */
export function scaledClock(factor: number): Clock {
  if (!(factor > 0)) throw new RangeError(`clock factor must be positive, got ${factor}`);
  const startedAt = Date.now();
  return { now: () => startedAt + (Date.now() - startedAt) * factor, factor };
}
