/**
 * Preflight's findings as they are collected: problems (Azure would refuse), warnings (the build will do
 * something a first build would not), and deferrals (a check could not finish). A check's own Azure
 * failure is classified once here: throttling, busy and transient answers (and a token to fetch again)
 * defer the spec — never refuse it; anything else is a problem carrying Azure's code and message.
 */
import { isAzureError } from "../azure/errors";
import type { PreflightCheck, PreflightProblem, PreflightReport, QuotaClaim } from "./types";

/** Seconds to wait before sending a deferred spec again, when Azure named no wait. */
export const DEFAULT_PREFLIGHT_RETRY_AFTER_SEC = 30;

/** The findings of one preflight. */
export class PreflightFindings {
  readonly problems: PreflightProblem[] = [];
  readonly warnings: PreflightProblem[] = [];
  readonly deferred: PreflightProblem[] = [];
  readonly quotaClaims: QuotaClaim[] = [];
  private retryAfterSec = 0;

  /** Records quota the environment takes (checked or not against what is left, by the caller). */
  claimQuota(claim: QuotaClaim): void {
    this.quotaClaims.push(claim);
  }

  refuse(check: PreflightCheck, code: string, path: string, message: string): void {
    this.problems.push({ path, message, check, code });
  }

  warn(check: PreflightCheck, code: string, path: string, message: string): void {
    this.warnings.push({ path, message, check, code });
  }

  /** A check that cannot finish now; the spec should be sent again after `retryAfterSec`. */
  defer(check: PreflightCheck, code: string, path: string, message: string, retryAfterSec: number): void {
    this.deferred.push({ path, message, check, code });
    this.retryAfterSec = Math.max(this.retryAfterSec, Math.ceil(retryAfterSec));
  }

  /**
   * Runs one check; an Azure failure it throws becomes a deferral (retryable) or a problem (not), at
   * `path`, saying what could not be read.
   * @param what - what the check reads, for the message ("the subscription", "the VM sizes of eastus2")
   */
  async guard(check: PreflightCheck, path: string, what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (!isAzureError(error)) throw error;
      const reason = `${error.code}: ${error.azureMessage}`;
      if (error.retryable) {
        const waitSec = (error.retryAfterMs ?? DEFAULT_PREFLIGHT_RETRY_AFTER_SEC * 1000) / 1000;
        this.defer(
          check,
          error.code,
          path,
          `${what} could not be read now (${reason}); nothing was written: send the spec again`,
          Math.min(Math.max(waitSec, 1), 300),
        );
      } else {
        this.refuse(check, error.code, path, `${what} could not be read: ${reason}`);
      }
    }
  }

  /** The report; `requests` counts what was sent. */
  report(requests: { readonly reads: number; readonly writes: number }): PreflightReport {
    const outcome = this.problems.length > 0 ? "refused" : this.deferred.length > 0 ? "deferred" : "passed";
    return {
      outcome,
      problems: inSpecOrder(this.problems),
      warnings: inSpecOrder(this.warnings),
      deferred: inSpecOrder(this.deferred),
      ...(outcome === "deferred"
        ? { retryAfterSec: this.retryAfterSec || DEFAULT_PREFLIGHT_RETRY_AFTER_SEC }
        : {}),
      requests: { reads: requests.reads, writes: requests.writes },
      ...(this.quotaClaims.length > 0 ? { quotaClaims: [...this.quotaClaims] } : {}),
    };
  }
}

/** Findings as the spec reads: the document's own keys first, then module by module (stable otherwise). */
function inSpecOrder(findings: readonly PreflightProblem[]): PreflightProblem[] {
  const moduleIndex = (path: string): number => Number(/^modules\[(\d+)\]/.exec(path)?.[1] ?? -1);
  return [...findings].sort((a, b) => moduleIndex(a.path) - moduleIndex(b.path));
}
