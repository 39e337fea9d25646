/**
 * The one wrapper every API route is registered through: it authenticates the caller, checks the app role
 * the route needs and the organisations it acts on, runs the handler, and appends what an audited route
 * did to the audit table. The function key stays the platform's gate in front of all this (the host
 * checks it before the app sees the request); it authorises nothing on its own while sign-in is on.
 *
 * Order: 401 (no valid sign-in) → 403 (role) → 403 (organisation) → the handler. Whatever the handler
 * refuses (an invalid id or spec, an unknown environment) it refuses as before, having done nothing.
 */
import { readFileSync } from "node:fs";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { loadConfig } from "../../lib/config";
import { isEnvironmentId } from "../../lib/spec/schema";
import { API_ROUTES, type ApiFunctionName } from "../api-routes";
import { appContext } from "../app-context";
import { PROBLEM_CONTENT_TYPE, problemResponse } from "../problem";
import type { AuditEntry } from "../records";
import { validateSpecText } from "../spec-body";
import { ROUTE_ACCESS, orgDecision, roleDecision, type Decision, type RouteAccess } from "./access";
import { auditClientOf, auditPrincipalOf, outcomeOfStatus } from "./audit-facts";
import { createTokenValidator, type TokenValidator } from "./bearer";
import { FUNCTION_KEY_CALLER, callerOfClaims, type Caller } from "./caller";
import { CLIENT_PRINCIPAL_HEADER, readClientPrincipal } from "./easy-auth";
import { loadAccessSettings, type AccessSettings, type EntraSignIn } from "./settings";

/** A route's handler, told who is calling. */
export type GuardedHandler = (
  request: HttpRequest,
  context: InvocationContext,
  caller: Caller,
) => Promise<HttpResponseInit>;

/** Answers an error nobody answered (the routes' own `answerTo`). */
export type ErrorAnswer = (error: unknown, context: InvocationContext) => HttpResponseInit;

/** `realm` of the `WWW-Authenticate` challenge. */
const REALM = "azure-env-provisioner";
/** Longest problem detail copied into an audit entry. */
const MAX_DETAIL_CHARS = 500;

interface GuardState {
  readonly settings: AccessSettings;
  readonly validator?: TokenValidator;
}

let shared: Promise<GuardState> | undefined;
let warned = false;

/** Settings and the token validator, once per process; a failure (bad settings) is retried next time. */
function guardState(): Promise<GuardState> {
  shared ??= (async () => {
    const settings = loadAccessSettings();
    if (!settings.entra) return { settings };
    // The emulator's authority is served with the emulator's CA; Entra's with a public one.
    const caPath = loadConfig().caCertPath;
    const ca = caPath ? readFileSync(caPath, "utf8") : undefined;
    return { settings, validator: createTokenValidator(settings.entra, ca ? { ca } : {}) };
  })().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** The `WWW-Authenticate` challenge and problem of a 401 (RFC 6750 §3). */
function unauthenticated(signIn: EntraSignIn, reason?: string): HttpResponseInit {
  const challenge = [
    `realm="${REALM}"`,
    `authorization_uri="${signIn.authority}/${signIn.tenantId}/oauth2/v2.0/authorize"`,
  ];
  // Without any credentials RFC 6750 says to send no error code; with a bad one, invalid_token and why.
  if (reason) challenge.push(`error="invalid_token"`, `error_description="${reason.replace(/["\\]/g, "'")}"`);
  return problemResponse(
    {
      title: reason ? "Invalid token" : "Sign-in required",
      status: 401,
      detail:
        reason ??
        "sign in with Microsoft Entra ID and send the API's access token as Authorization: Bearer <token>, besides the function key",
    },
    { "www-authenticate": `Bearer ${challenge.join(", ")}` },
  );
}

/** Who is calling, or the answer refusing them. */
async function authenticate(
  request: HttpRequest,
  state: GuardState,
): Promise<{ caller: Caller } | { answer: HttpResponseInit }> {
  const signIn = state.settings.entra;
  if (!signIn || !state.validator) return { caller: FUNCTION_KEY_CALLER };
  const principal = request.headers.get(CLIENT_PRINCIPAL_HEADER);
  if (principal !== null && signIn.trustEasyAuth) {
    const read = readClientPrincipal(principal, signIn);
    return read.ok
      ? { caller: callerOfClaims(read.claims, "easyAuth") }
      : { answer: unauthenticated(signIn, read.reason) };
  }
  const authorization = request.headers.get("authorization");
  if (authorization === null) return { answer: unauthenticated(signIn) };
  const token = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(authorization)?.[1];
  if (!token) return { answer: unauthenticated(signIn, "the Authorization header is not one Bearer token") };
  const check = await state.validator.validate(token);
  if (check.ok) return { caller: callerOfClaims(check.claims, "bearer") };
  if (check.status === 503) {
    return {
      answer: problemResponse(
        { title: "Sign-in cannot be verified now", status: 503, detail: check.reason },
        { "retry-after": "30" },
      ),
    };
  }
  return { answer: unauthenticated(signIn, check.reason) };
}

function forbidden(decision: Extract<Decision, { allowed: false }>): HttpResponseInit {
  return problemResponse({ title: "Forbidden", status: 403, detail: decision.detail, ...decision.missing });
}

/** What the route acts on, read before the handler runs. */
interface Target {
  readonly environmentId?: string;
  readonly orgs: readonly string[];
  /** The recorded plan hash of the environment the route names. */
  readonly recordedPlanHash?: string;
}

async function targetOf(kind: RouteAccess["target"], request: HttpRequest): Promise<Target> {
  if (kind === "none" || kind === "list") return { orgs: [] };
  const orgs: string[] = [];
  let environmentId: string | undefined;
  let recordedPlanHash: string | undefined;
  if (kind === "environmentId" || kind === "environmentIdAndSpec") {
    const id = request.params.name ?? "";
    // An id no spec can produce is refused by the handler before anything is read.
    if (isEnvironmentId(id)) {
      environmentId = id;
      const stored = await (await appContext()).records.get(id);
      if (stored) {
        orgs.push(stored.record.org);
        recordedPlanHash = stored.record.planHash;
      }
    }
  }
  if (kind === "spec" || kind === "environmentIdAndSpec") {
    const text = await request.clone().text();
    if (text.trim() !== "") {
      // Only a valid spec names an organisation; an invalid one is refused by the handler, doing nothing.
      const validation = validateSpecText(text, request.headers.get("content-type"));
      if (validation.ok) {
        orgs.push(validation.spec.org_name);
        environmentId ??= `${validation.spec.org_name}-${validation.spec.name}`;
      }
    }
  }
  return {
    orgs: [...new Set(orgs)],
    ...(environmentId ? { environmentId } : {}),
    ...(recordedPlanHash ? { recordedPlanHash } : {}),
  };
}

/** The list answer with only the environments of organisations the caller may act on. */
function filteredList(answer: HttpResponseInit, caller: Caller, settings: AccessSettings): HttpResponseInit {
  if (caller.kind === "functionKey" || (answer.status ?? 200) !== 200) return answer;
  const body = answer.jsonBody as { environments?: unknown } | undefined;
  // Fail closed: a list this wrapper cannot filter is not shown.
  if (!body || !Array.isArray(body.environments))
    throw new Error("the environment list has no environments array to filter");
  const environments = body.environments.filter(
    (environment: { org?: unknown }) =>
      typeof environment.org === "string" && orgDecision(caller, environment.org, settings).allowed,
  );
  return { ...answer, jsonBody: { ...body, environments } };
}

/**
 * Durable's management URLs (status, terminate, purge, raise event, …) carry the Durable extension's
 * system key, and that key opens Durable's whole HTTP API — starting, terminating and purging any
 * instance — past every role, organisation and audit check here. Signed-in callers get the environment's
 * own status URL instead.
 */
function withoutDurableManagementUrls(answer: HttpResponseInit): HttpResponseInit {
  const body = answer.jsonBody as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object" || Array.isArray(body)) return answer;
  const kept = Object.entries(body).filter(
    ([, value]) => !(typeof value === "string" && value.includes("/runtime/webhooks/")),
  );
  return { ...answer, jsonBody: Object.fromEntries(kept) };
}

/** The `detail` of a problem answer, for the audit. */
function problemDetail(answer: HttpResponseInit): string | undefined {
  const headers = new Headers(answer.headers as ConstructorParameters<typeof Headers>[0]);
  if (!headers.get("content-type")?.startsWith(PROBLEM_CONTENT_TYPE) || typeof answer.body !== "string")
    return undefined;
  try {
    const detail = (JSON.parse(answer.body) as { detail?: unknown }).detail;
    return typeof detail === "string" ? detail.slice(0, MAX_DETAIL_CHARS) : undefined;
  } catch {
    return undefined;
  }
}

/** The environment an import's answer converted the files into. */
function importedEnvironmentId(answer: HttpResponseInit): string | undefined {
  const spec = (answer.jsonBody as { spec?: { org_name?: unknown; name?: unknown } } | undefined)?.spec;
  return typeof spec?.org_name === "string" && typeof spec.name === "string"
    ? `${spec.org_name}-${spec.name}`
    : undefined;
}

/** Appends one request's entry; a failure is logged with the entry, never turned into the answer. */
async function audit(context: InvocationContext, entry: AuditEntry): Promise<void> {
  // The log is a second copy, in Application Insights, beside the table.
  context.log(`audit ${JSON.stringify(entry)}`);
  try {
    await (await appContext()).audit.append(entry);
  } catch (error) {
    context.error(
      `audit append failed (${error instanceof Error ? error.message : String(error)}) for ${JSON.stringify(entry)}`,
    );
  }
}

/**
 * Wraps the handler of route `name`.
 * @param onError - answers errors of the wrapper itself (settings, storage) as the routes answer theirs
 */
export function guarded(
  name: ApiFunctionName,
  handler: GuardedHandler,
  onError: ErrorAnswer,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  const access: RouteAccess = ROUTE_ACCESS[name];
  const doing = API_ROUTES[name].summary;
  return async (request, context) => {
    try {
      const state = await guardState();
      if (!warned && state.settings.mode === "keys" && state.settings.onAzure) {
        warned = true;
        context.warn(
          "SIGN-IN IS OFF (PROVISIONER_AUTH=keys): anyone holding a function key may build or destroy any organisation's environment, and the audit cannot say who did. Remove PROVISIONER_AUTH to sign callers in with Microsoft Entra ID.",
        );
      }
      const authenticated = await authenticate(request, state);
      if ("answer" in authenticated) return authenticated.answer;
      const caller = authenticated.caller;
      // Read first, so even a refused request is recorded against the environment it named.
      const target = await targetOf(access.target, request);
      const recorded = async (answer: HttpResponseInit): Promise<HttpResponseInit> => {
        if (access.audit === undefined) return answer;
        const environmentId =
          target.environmentId ??
          (access.audit === "import-opta" ? importedEnvironmentId(answer) : undefined);
        const detail = problemDetail(answer);
        await audit(context, {
          ...(environmentId ? { environmentId } : {}),
          at: new Date().toISOString(),
          event: "request",
          action: access.audit,
          outcome: outcomeOfStatus(answer.status ?? 200),
          status: answer.status ?? 200,
          ...(target.orgs[0] ? { org: target.orgs[0] } : {}),
          ...planHashOf(answer, target),
          principal: auditPrincipalOf(caller),
          client: auditClientOf(request),
          ...(detail ? { detail } : {}),
          invocationId: context.invocationId,
        });
        return answer;
      };
      const role = roleDecision(caller, access.level, doing);
      if (!role.allowed) return recorded(forbidden(role));
      for (const org of target.orgs) {
        const decision = orgDecision(caller, org, state.settings);
        if (!decision.allowed) return recorded(forbidden(decision));
      }
      let answer = await handler(request, context, caller);
      if (access.target === "list") answer = filteredList(answer, caller, state.settings);
      if (caller.kind === "entra") answer = withoutDurableManagementUrls(answer);
      return recorded(answer);
    } catch (error) {
      return onError(error, context);
    }
  };
}

/** The plan hash an audited request concerned: the one it started, else the environment's recorded one. */
function planHashOf(answer: HttpResponseInit, target: Target): { planHash?: string } {
  const started = (answer.jsonBody as { planHash?: unknown } | undefined)?.planHash;
  if (typeof started === "string") return { planHash: started };
  return target.recordedPlanHash ? { planHash: target.recordedPlanHash } : {};
}
