/**
 * .NET `TimeSpan` strings as host.json spells durations (`"00:00:30"`, `"1.02:00:00"`, `"00:00:00.250"`).
 */

const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/;

/**
 * Parses a `[d.]hh:mm:ss[.fffffff]` TimeSpan.
 * @returns the duration in milliseconds (fractions below a millisecond are dropped), or `undefined` when
 *   `text` is not a TimeSpan of that form.
 */
export function parseTimeSpanMs(text: string): number | undefined {
  const match = TIMESPAN.exec(text.trim());
  if (!match) return undefined;
  const [, days = "0", hours = "0", minutes = "0", seconds = "0", fraction = ""] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return undefined;
  // The fraction is in 1e-7 s ticks at most; only the first three digits are milliseconds.
  const milliseconds = Number(fraction.padEnd(3, "0").slice(0, 3));
  return (
    (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 +
    milliseconds
  );
}
