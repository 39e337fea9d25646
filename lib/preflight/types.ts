/**
 * Preflight's findings: what Azure would refuse of a valid spec, learned by reading before the first
 * write, reported like validation — every problem at once, each with the spec path to change.
 */
import type { SpecProblem } from "../spec/types";

/** The checks preflight runs (docs/spec.md#before-the-first-write). */
export type PreflightCheck =
  | "tenant"
  | "subscription"
  | "permissions"
  | "providers"
  | "names"
  | "kubernetesVersion"
  | "vmSize"
  | "quota"
  | "postgres"
  | "managedRedis"
  | "changes";

/** One finding: a problem, a warning or a reason to try again later. */
export interface PreflightProblem extends SpecProblem {
  readonly check: PreflightCheck;
  /** A stable code for the finding (`NameUnavailable`, `QuotaExceeded`, …), or Azure's own code. */
  readonly code: string;
}

/**
 * `passed`: nothing Azure would refuse was found; `refused`: at least one problem (nothing may be written);
 * `deferred`: no problem, but a check could not finish (Azure throttled or failed, a provider is still
 * registering): the same spec should be sent again after {@link PreflightReport.retryAfterSec}.
 */
export type PreflightOutcome = "passed" | "refused" | "deferred";

/** What preflight found for one spec. */
export interface PreflightReport {
  readonly outcome: PreflightOutcome;
  /** What Azure would refuse; each at the spec path to change. */
  readonly problems: readonly PreflightProblem[];
  /** What the build will do differently from a first build (a soft-deleted vault recovered, …). */
  readonly warnings: readonly PreflightProblem[];
  /** Checks that could not finish, and why (transient Azure failures, registrations under way). */
  readonly deferred: readonly PreflightProblem[];
  /** When deferred: seconds to wait before sending the spec again. */
  readonly retryAfterSec?: number;
  /** ARM requests this preflight sent: reads (answered from its cache: not counted) and writes (provider registrations). */
  readonly requests: { readonly reads: number; readonly writes: number };
  /**
   * The quota this environment would take, per usage it was checked against (absent: none): what a
   * batch of environments adds up, since each preflight sees only its own needs.
   */
  readonly quotaClaims?: readonly QuotaClaim[];
}

/** Quota one environment needs of one usage, and what was left of it when preflight read it. */
export interface QuotaClaim {
  /** The usage: `<subscription>/<location>/<usage name>`, lower-case. */
  readonly usage: string;
  /** What the usage counts, for messages ("standardDSv5Family vCPUs in eastus2"). */
  readonly label: string;
  readonly demand: number;
  /** The limit less what is in use, when read. */
  readonly available: number;
  /** The spec path that asks for it (`modules[1].max_nodes`). */
  readonly path: string;
}
