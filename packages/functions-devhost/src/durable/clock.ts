/**
 * Time source of the engine: timers, leases and event timestamps all read it.
 *
 * A scaled clock runs durable time faster than real time, so tests and the local stack wait on durable
 * timers of minutes in a fraction of a second. Durable time is persisted with the task hub: its timers
 * and leases are stored in it, so a host started again later must continue the same clock, never restart
 * it from the wall clock (which would put every saved timer and lease in the future, stalling resumed
 * work for as long as the previous host had run ahead). Times shown to people are converted back to the
 * wall clock ({@link Clock.toWallMs}).
 */

/** Time source of the engine. */
export interface Clock {
  /** Current time in epoch milliseconds (clock time). */
  now(): number;
  /** How many clock milliseconds pass per real millisecond (1 on the real clock). */
  readonly factor: number;
  /** The wall-clock time at which the clock read `clockMs`, in epoch milliseconds. */
  toWallMs(clockMs: number): number;
  /** The clock time at wall-clock time `wallMs`. */
  fromWallMs(wallMs: number): number;
}

/** The real clock. */
export const realClock: Clock = {
  now: () => Date.now(),
  factor: 1,
  toWallMs: (ms) => ms,
  fromWallMs: (ms) => ms,
};

/**
 * Where a scaled clock stands: at wall time `wallMs` it read `clockMs`, and it runs `factor` times faster
 * than the wall clock. Plain JSON, so it can be stored with the task hub.
 */
export interface ClockAnchor {
  readonly wallMs: number;
  readonly clockMs: number;
  readonly factor: number;
}

/**
 * A clock that runs `factor` times faster than real time, continuing from `anchor` (a stored one, so a
 * restarted host picks up where the previous one left). Every engine sharing a hub must use the same
 * clock. @default anchor - now, reading now
 */
export function scaledClock(factor: number, anchor?: ClockAnchor): Clock {
  if (!(factor > 0)) throw new RangeError(`clock factor must be positive, got ${factor}`);
  const { wallMs, clockMs } = anchor ?? { wallMs: Date.now(), clockMs: Date.now() };
  return {
    now: () => clockMs + (Date.now() - wallMs) * factor,
    factor,
    toWallMs: (ms) => wallMs + (ms - clockMs) / factor,
    fromWallMs: (ms) => clockMs + (ms - wallMs) * factor,
  };
}

/**
 * The anchor a clock of `factor` continues from, given the hub's `stored` one: the same anchor while the
 * factor is unchanged; when it changed, a new anchor at `nowWallMs` reading what the stored clock reads
 * then, so durable time never goes back.
 */
export function continuedAnchor(
  stored: ClockAnchor | undefined,
  factor: number,
  nowWallMs: number,
): ClockAnchor {
  if (!stored) return { wallMs: nowWallMs, clockMs: nowWallMs, factor };
  if (stored.factor === factor) return stored;
  const reading = stored.clockMs + (nowWallMs - stored.wallMs) * stored.factor;
  // Never behind the wall clock either: a real-time clock must not lag the timestamps it stamps.
  return { wallMs: nowWallMs, clockMs: Math.max(reading, factor === 1 ? nowWallMs : reading), factor };
}
