/**
 * Quotas across a batch: each environment's preflight compares its own needs with what is left of a
 * quota, so ten environments that each fit can still exhaust it together — and Azure would refuse the
 * later clusters mid-build. In request order, each passed environment takes its claims from what is left;
 * one whose claims no longer fit is refused before anything of the batch starts, naming the environments
 * of the same request that took the quota first.
 */
import type { PreflightProblem, PreflightReport } from "./types";

/** One environment of a request and its preflight (undefined: not preflighted, e.g. a destroy). */
export interface BatchPreflight {
  readonly environmentId: string;
  readonly report: PreflightReport | undefined;
}

/** The reports with the batch's quota sums applied (same order; only passed reports may change). */
export function withBatchQuotas(batch: readonly BatchPreflight[]): (PreflightReport | undefined)[] {
  const taken = new Map<string, { amount: number; by: string[] }>();
  return batch.map(({ environmentId, report }) => {
    if (report?.outcome !== "passed" || !report.quotaClaims) return report;
    const problems: PreflightProblem[] = [];
    for (const claim of report.quotaClaims) {
      const before = taken.get(claim.usage) ?? { amount: 0, by: [] };
      if (before.amount > 0 && before.amount + claim.demand > claim.available) {
        problems.push({
          path: claim.path,
          check: "quota",
          code: "QuotaExceeded",
          message: `needs ${claim.demand} more ${claim.label}, but ${before.by.join(", ")} of the same request take ${before.amount} of the ${claim.available} left: together they exceed the subscription's quota; send fewer environments at once, lower max_nodes, or ask for a quota increase`,
        });
      }
    }
    if (problems.length > 0) return { ...report, outcome: "refused", problems };
    for (const claim of report.quotaClaims) {
      const before = taken.get(claim.usage) ?? { amount: 0, by: [] };
      taken.set(claim.usage, { amount: before.amount + claim.demand, by: [...before.by, environmentId] });
    }
    return report;
  });
}
