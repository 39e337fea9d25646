/** Exit codes of envctl, the same for every command. */
export const EXIT = {
  /** The command did what was asked (a valid spec, a plan printed). */
  ok: 0,
  /** Something unexpected failed inside envctl (a bug, or the machine). */
  internalError: 1,
  /** The input was refused: bad usage, an unreadable file, or an invalid spec. Nothing was started. */
  refused: 2,
  /**
   * The service could not answer now (`plan --preflight`: unreachable, or Azure throttled or failed a
   * read); nothing is wrong with the spec: run it again later (sysexits' EX_TEMPFAIL).
   */
  tryAgainLater: 75,
} as const;
