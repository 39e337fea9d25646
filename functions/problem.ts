/**
 * RFC 9457 problem details (`application/problem+json`): every error the API answers is one of these,
 * so clients parse one shape.
 */
import type { HttpResponseInit } from "@azure/functions";

/** Media type of every error answer. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** A problem document; extension members (e.g. `problems`) sit beside the standard ones. */
export interface ProblemDetails {
  /** @default "about:blank" */
  readonly type?: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

/** An HTTP answer carrying `problem`. */
export function problemResponse(
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
    body: JSON.stringify({ type: "about:blank", ...problem }),
  };
}

/** 404 for an environment with no record. */
export function unknownEnvironment(environmentId: string): HttpResponseInit {
  return problemResponse({
    title: "Unknown environment",
    status: 404,
    detail: `no environment "${environmentId}" has been applied (ids are <org_name>-<name>)`,
  });
}
