/**
 * ARM writes among emulator request-log entries: what "nothing was written" means in the preflight tests.
 * Reads are GETs and the POSTs that only read (name availability, `list*` actions); everything else —
 * PUT, PATCH, DELETE, other POSTs (a provider registration included) — is a write.
 */
const READ_ONLY_POST = /\/(checkNameAvailability|list[A-Za-z]*)$/i;

/** The writes among `log`, as `METHOD path`. */
export function writesAmong(log: readonly { method: string; path: string }[]): string[] {
  return log
    .filter(
      (entry) =>
        ["PUT", "PATCH", "DELETE"].includes(entry.method) ||
        (entry.method === "POST" && !READ_ONLY_POST.test(entry.path)),
    )
    .map((entry) => `${entry.method} ${entry.path}`);
}
