/**
 * `GET /api/environments/{id}/history?top=&continuation=`: the environment's audit entries, newest
 * first, a page at a time. Only environments that have a record have a history here (the wrapper checks
 * the caller may act on the record's organisation); entries about environments never applied stay in the
 * table for operators.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { isEnvironmentId } from "../lib/spec/schema";
import { problemResponse, unknownEnvironment } from "./problem";
import type { AuditLog, EnvironmentRecords } from "./records";

/** Entries per page when `top` is not given. */
export const DEFAULT_HISTORY_PAGE = 50;
/** Most entries per page. */
export const MAX_HISTORY_PAGE = 200;

/** A continuation is a row key of the audit table: inverted time, a dash, hex. */
const CONTINUATION = /^\d{13}-[0-9a-f]{12}$/;

function badRequest(detail: string): HttpResponseInit {
  return problemResponse({ title: "Invalid request", status: 400, detail });
}

/** Answers a history request. */
export async function answerHistory(
  request: HttpRequest,
  deps: { readonly records: EnvironmentRecords; readonly audit: AuditLog },
): Promise<HttpResponseInit> {
  const id = request.params.name ?? "";
  if (!isEnvironmentId(id)) {
    return badRequest(
      `"${id}" cannot name an environment: ids are <org_name>-<name>, lower-case letters, digits and hyphens`,
    );
  }
  const topText = request.query.get("top");
  const top = topText === null ? DEFAULT_HISTORY_PAGE : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > MAX_HISTORY_PAGE) {
    return badRequest(`top must be a whole number from 1 to ${MAX_HISTORY_PAGE}`);
  }
  const continuation = request.query.get("continuation") ?? undefined;
  if (continuation !== undefined && !CONTINUATION.test(continuation)) {
    return badRequest("continuation must be the continuation of a previous page");
  }
  if (!(await deps.records.get(id))) return unknownEnvironment(id);
  const page = await deps.audit.list(id, { top, ...(continuation ? { after: continuation } : {}) });
  const next = new URL(request.url);
  next.searchParams.set("top", String(top));
  if (page.continuation) next.searchParams.set("continuation", page.continuation);
  return {
    jsonBody: {
      environmentId: id,
      entries: page.entries,
      ...(page.continuation
        ? { continuation: page.continuation, next: `${next.pathname}${next.search}` }
        : {}),
    },
  };
}
