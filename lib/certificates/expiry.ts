/**
 * When a certificate expiring soon deserves a warning. Pure (no clock of its own, no `crypto`), so the
 * orchestrations can compute their outputs with it on replay.
 */

/** A certificate expiring within this many days is reported with a warning. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

/** Whole days from `nowMs` until `notAfter` (ISO-8601), negative once expired. */
export function daysUntilExpiry(summary: { readonly notAfter: string }, nowMs: number): number {
  return Math.floor((Date.parse(summary.notAfter) - nowMs) / DAY_MS);
}

/** The warning for a certificate that expires within {@link EXPIRY_WARNING_DAYS}, or undefined. */
export function expiryWarning(
  summary: { readonly notAfter: string; readonly subject: string },
  nowMs: number,
): string | undefined {
  const days = daysUntilExpiry(summary, nowMs);
  if (days >= EXPIRY_WARNING_DAYS) return undefined;
  return days < 0
    ? `the certificate ${summary.subject} expired on ${summary.notAfter}; upload a renewed one`
    : `the certificate ${summary.subject} expires in ${days} day${days === 1 ? "" : "s"} (${summary.notAfter}); upload a renewed one before then`;
}
