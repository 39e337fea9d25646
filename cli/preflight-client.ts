/**
 * `envctl plan --preflight`: asks the running service what Azure would refuse of a spec, through its plan
 * preview (`POST /api/environments/{id}/plan`), which runs preflight with the service's own identity,
 * allow-list and settings. Asking the service rather than Azure itself is deliberate: what preflight
 * checks — the tenant of the credential, its permissions, the subscriptions it may build in — belongs to
 * the identity that will build, not to whoever runs envctl, and envctl keeps needing no Azure credential.
 */
import type { PreflightReport } from "../lib/preflight/types";
import type { SpecProblem } from "../lib/spec/types";
import type { CliIo } from "./io";

/** Where the service is and the function key it takes (`ENVCTL_API_URL`, `ENVCTL_FUNCTION_KEY`). */
export interface ServiceAddress {
  /** The API base, e.g. `http://127.0.0.1:7071/api` (what `npm start` prints as API). */
  readonly api: string;
  readonly key: string;
}

/** What the service answered. */
export type PreflightAnswer =
  | {
      readonly kind: "report";
      readonly report: PreflightReport;
      readonly changes: Readonly<Record<string, number>>;
    }
  /** The service refused the spec itself (400: its allow-list, validation), with every problem. */
  | { readonly kind: "invalid"; readonly problems: readonly SpecProblem[]; readonly detail: string }
  /** The service could not be asked (unreachable, 5xx, a refused key). */
  | { readonly kind: "unavailable"; readonly reason: string; readonly keyRefused?: boolean };

/** The service address from `--api` and the environment; undefined with what is missing. */
export function serviceAddress(
  env: Readonly<Record<string, string | undefined>>,
  api: string | undefined,
): ServiceAddress | { missing: string[] } {
  const url = (api ?? env.ENVCTL_API_URL ?? "").trim();
  const key = (env.ENVCTL_FUNCTION_KEY ?? "").trim();
  const missing = [
    ...(url ? [] : ["--api URL (or ENVCTL_API_URL)"]),
    ...(key ? [] : ["ENVCTL_FUNCTION_KEY"]),
  ];
  return missing.length > 0 ? { missing } : { api: url.replace(/\/+$/, ""), key };
}

/** Sends the spec to the service's plan preview and reads its preflight. */
export async function askPreflight(
  io: CliIo,
  service: ServiceAddress,
  environmentId: string,
  specText: string,
): Promise<PreflightAnswer> {
  let response: Response;
  try {
    response = await io.fetch(`${service.api}/environments/${encodeURIComponent(environmentId)}/plan`, {
      method: "POST",
      // YAML reads JSON too, so the file goes as it is.
      headers: { "content-type": "application/yaml", "x-functions-key": service.key },
      body: specText,
    });
  } catch (error) {
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return { kind: "unavailable", reason: `${service.api} did not answer: ${reason}` };
  }
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (response.status === 200 && body && typeof body.preflight === "object") {
    return {
      kind: "report",
      report: body.preflight as PreflightReport,
      changes: (body.changes ?? {}) as Record<string, number>,
    };
  }
  if (response.status === 400 && body && Array.isArray(body.problems)) {
    return { kind: "invalid", problems: body.problems as SpecProblem[], detail: String(body.detail ?? "") };
  }
  const detail = typeof body?.detail === "string" ? `: ${body.detail}` : "";
  return {
    kind: "unavailable",
    reason: `${service.api} answered ${response.status}${detail}`,
    ...(response.status === 401 ? { keyRefused: true } : {}),
  };
}
