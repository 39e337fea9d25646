/**
 * The service's HTTP API as envctl uses it: one request function that sends the key, reads JSON or a
 * problem, and says in the user's words when the service cannot be reached. Typed answers are the API's
 * own types (`functions/`), imported as types only: envctl ships none of the service's code.
 */
import type { ReportedError } from "../../orchestrations/contracts";
import type { EnvironmentRecord } from "../../functions/records";
import type { NodePreview, NodeChange } from "../../functions/plan-preview";
import type { PlanGraph } from "../../functions/plan-graph";
import type { ProgressView } from "../../functions/progress-view";
import type { CertificateUploadAnswer } from "../../functions/certificate-upload";
import type { PreflightReport } from "../../lib/preflight/types";
import type { SpecProblem } from "../../lib/spec/types";
import type { Connection } from "./connection";

/** `GET /api/environments/{id}`: the record with its instance's status and live progress. */
export type EnvironmentAnswer = EnvironmentRecord & {
  readonly runtimeStatus?: string;
  readonly progress?: ProgressView;
};

/** `POST /api/environments/{id}/plan`. */
export interface PreviewAnswer {
  readonly environmentId: string;
  readonly planHash: string;
  readonly lastAppliedPlanHash?: string;
  readonly changes: Readonly<Record<NodeChange, number>>;
  readonly nodes: readonly NodePreview[];
  /** What Azure would refuse before the first write, found with the service's own identity. */
  readonly preflight?: PreflightReport;
}

/** `POST /api/environments/{id}/cancel`. */
export type CancelAnswer = EnvironmentAnswer & {
  readonly leftInAzure: readonly string[];
  readonly stillStopping?: readonly string[];
};

/** One audit entry as `GET /api/environments/{id}/history` answers it (what envctl shows of it). */
export interface HistoryEntry {
  readonly at: string;
  readonly event: string;
  readonly action: string;
  readonly outcome: string;
  readonly status?: number;
  readonly planHash?: string;
  readonly principal: {
    readonly kind: string;
    readonly objectId?: string;
    readonly name?: string;
    readonly username?: string;
    readonly appId?: string;
    readonly queueMessageId?: string;
  };
  readonly client?: { readonly ip?: string };
  readonly detail?: string;
}

/** A page of {@link HistoryEntry}, newest first. */
export interface HistoryPage {
  readonly entries: readonly HistoryEntry[];
  readonly continuation?: string;
}

/** An `application/problem+json` answer (or what envctl makes of another refusal). */
export interface Problem {
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly problems?: readonly SpecProblem[];
  readonly warnings?: readonly SpecProblem[];
}

/** An answer: its body when 2xx, else the problem. */
export type Answer<T> =
  | { readonly ok: true; readonly status: number; readonly body: T }
  | { readonly ok: false; readonly status: number; readonly problem: Problem };

/** The service did not answer (refused connection, DNS, timeout). */
export class ServiceUnreachableError extends Error {
  readonly isServiceUnreachable = true as const;
  override readonly name = "ServiceUnreachableError";
}

/** Whether `error` is a {@link ServiceUnreachableError}, across duplicate module copies too. */
export function isServiceUnreachable(error: unknown): error is ServiceUnreachableError {
  return (error as { isServiceUnreachable?: unknown } | null)?.isServiceUnreachable === true;
}

/** How long one request may take before envctl gives up on it, in ms (a plan preview reads ~30 resources). */
const REQUEST_TIMEOUT_MS = 60_000;

/** A request's body and how it is sent. */
interface RequestBody {
  readonly body: string | Uint8Array;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The API, over `fetch`. */
export function serviceClient(connection: Connection, fetcher: typeof fetch) {
  async function request<T>(method: string, path: string, body?: RequestBody): Promise<Answer<T>> {
    const url = `${connection.url}/api/${path}`;
    let response: Response;
    try {
      response = await fetcher(url, {
        method,
        headers: {
          "x-functions-key": connection.key,
          ...(connection.token ? { authorization: `Bearer ${connection.token}` } : {}),
          accept: "application/json",
          ...(body ? { "content-type": body.contentType, ...body.headers } : {}),
        },
        ...(body ? { body: body.body } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ServiceUnreachableError(
        `cannot reach ${connection.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
    const text = await response.text();
    const json = parseJson(text);
    if (response.ok) return { ok: true, status: response.status, body: json as T };
    return { ok: false, status: response.status, problem: problemOf(response.status, json, text) };
  }

  const environment = (id: string) => `environments/${encodeURIComponent(id)}`;
  return {
    apply: (spec: RequestBody) =>
      request<{ environmentId: string; warnings?: SpecProblem[] }>("POST", "environments", spec),
    preview: (id: string, spec?: RequestBody) =>
      request<PreviewAnswer>("POST", `${environment(id)}/plan`, spec),
    get: (id: string) => request<EnvironmentAnswer>("GET", environment(id)),
    list: () => request<{ environments: EnvironmentAnswer[] }>("GET", "environments"),
    graph: (id: string) => request<PlanGraph>("GET", `${environment(id)}/graph`),
    destroy: (id: string, keyVault: "keep" | "purge") =>
      request<{ environmentId: string }>("DELETE", `${environment(id)}?keyVault=${keyVault}`),
    cancel: (id: string) => request<CancelAnswer>("POST", `${environment(id)}/cancel`),
    history: (id: string, top: number, continuation?: string) =>
      request<HistoryPage>(
        "GET",
        `${environment(id)}/history?top=${top}${continuation ? `&continuation=${encodeURIComponent(continuation)}` : ""}`,
      ),
    uploadCertificate: (id: string, name: string, certificate: RequestBody) =>
      request<CertificateUploadAnswer>(
        "PUT",
        `${environment(id)}/certificates/${encodeURIComponent(name)}`,
        certificate,
      ),
  };
}

/** The client {@link serviceClient} returns. */
export type ServiceClient = ReturnType<typeof serviceClient>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function problemOf(status: number, json: unknown, text: string): Problem {
  const body = json as Partial<Problem> | undefined;
  if (body && typeof body.title === "string") return { ...body, title: body.title, status };
  const detail =
    status === 401
      ? "the service refused the key: run envctl login URL again, or check ENVCTL_KEY"
      : status === 404
        ? "no such route or environment"
        : text.trim().slice(0, 300) || undefined;
  return { title: status === 401 ? "Unauthorized" : `HTTP ${status}`, status, ...(detail ? { detail } : {}) };
}

/** The problem in one line, with every spec problem after it (for stderr). */
export function describeProblem(problem: Problem): string[] {
  return [
    `${problem.title} (${problem.status})${problem.detail ? `: ${problem.detail}` : ""}`,
    ...(problem.problems ?? []).map((item) => `  ${item.path === "" ? "" : `${item.path}: `}${item.message}`),
  ];
}

/** Re-exported for the live view. */
export type { ReportedError };
