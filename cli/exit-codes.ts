/** Exit codes of envctl, the same for every command. */
export const EXIT = {
  /** The command did what was asked (a valid spec, a plan printed, a build that succeeded). */
  ok: 0,
  /** Something unexpected failed inside envctl or the service (a bug, the machine, a 5xx, no answer). */
  internalError: 1,
  /**
   * The input was refused: bad usage, an unreadable file, an invalid spec, a key the service refused,
   * an unknown environment, or the API's 400/415. Nothing was started.
   */
  refused: 2,
  /** The operation ran and failed in Azure (or was canceled): the failures say why. */
  failed: 3,
  /** The environment is busy: a build or destroy of it runs (the API's 409); or nothing runs to cancel. */
  busy: 4,
  /**
   * The service could not answer now (`plan`: preflight could not finish, Azure throttled or
   * failed a read); nothing is wrong with the spec: run it again later (sysexits' EX_TEMPFAIL).
   */
  tryAgainLater: 75,
  /** Ctrl-C while watching: envctl stopped watching; the operation goes on in the service. */
  interrupted: 130,
} as const;

/**
 * `plan --detailed-exitcode` (Terraform's convention): 0 the live state matches, 2 something would
 * change, 1 any error.
 */
export const DETAILED_PLAN_EXIT = { noChanges: 0, error: 1, changes: 2 } as const;

/** The exit code for an HTTP answer the API refused. */
export function exitForStatus(status: number): number {
  if (status === 409) return EXIT.busy;
  if (status >= 400 && status < 500) return EXIT.refused;
  return EXIT.internalError;
}
