/**
 * The HTTP API's registrations: thin triggers that read the request, validate a spec once, and hand
 * over to the environment service. Routes, methods and documented answers come from `api-routes.ts`;
 * every route requires a function key, and every handler is registered through `guarded`
 * (`auth/guard.ts`): sign-in, app roles, organisations and the audit.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { isConfigError } from "../lib/config";
import { isPlanContextError } from "../lib/plan/errors";
import { isEnvironmentId } from "../lib/spec/schema";
import type { SpecProblem, SpecValidation } from "../lib/spec/types";
import { API_ROUTES, type ApiFunctionName } from "./api-routes";
import { appContext, type AppContext } from "./app-context";
import { recordOperationEnded } from "./audit-trail";
import { requestedByOf, type Caller } from "./auth/caller";
import { guarded } from "./auth/guard";
import { answerHistory } from "./history-api";
import { orchestrationClientOf } from "./durable-port";
import {
  createEnvironmentService,
  operationPhrase,
  type BusyOutcome,
  type EnvironmentService,
  type EnvironmentView,
} from "./environment-service";
import { dashboardDocument } from "./dashboard-page";
import { buildOpenApiDocument } from "./openapi";
import { answerOptaImport } from "./opta-import-api";
import { planGraph } from "./plan-graph";
import { countChanges, engineReplacements, withReplacements, type EngineReplacement } from "./plan-preview";
import { normalizeRecordedSpec, pinRecordedEngines } from "../lib/spec/pinned-engines";
import type { PreflightReport } from "../lib/preflight/types";
import { applyTargetOf, type PreflightTarget } from "./preflight";
import { problemResponse, unknownEnvironment } from "./problem";
import { isActiveRuntimeStatus, isRecordConflictError } from "./records";
import { answerCertificateUpload } from "./certificate-upload";
import { CERTIFICATE_UPLOADED_EVENT } from "../activities/contract";
import {
  SPEC_CONTENT_TYPES,
  declaredSpecFormat,
  validateSpecText,
  withinProvisionerSubscriptions,
} from "./spec-body";

/** Seconds a client should wait before polling an accepted operation (as Durable's own 202 says). */
const RETRY_AFTER_SEC = "10";

/** What one API handler receives. */
interface ApiCall {
  readonly request: HttpRequest;
  readonly context: InvocationContext;
  readonly app: AppContext;
  readonly service: EnvironmentService;
  readonly client: df.DurableClient;
  /** Who is calling (authenticated and authorised by `guarded`). */
  readonly caller: Caller;
}

function environmentUrl(request: HttpRequest, environmentId: string): string {
  return `${new URL(request.url).origin}/api/environments/${encodeURIComponent(environmentId)}`;
}

function viewBody(view: EnvironmentView): Record<string, unknown> {
  return {
    ...view.record,
    ...(view.runtimeStatus ? { runtimeStatus: view.runtimeStatus } : {}),
    ...(view.progress === undefined ? {} : { progress: view.progress }),
  };
}

/** 400 for an id no spec can produce: answered at once, before storage or Durable see it. */
function invalidEnvironmentId(id: string): HttpResponseInit {
  return problemResponse({
    title: "Invalid environment id",
    status: 400,
    detail: `"${id}" cannot name an environment: ids are <org_name>-<name>, lower-case letters, digits and hyphens`,
  });
}

/** The environment id of the route, or the answer refusing it. */
function environmentIdOf(call: ApiCall): { id: string } | { refused: HttpResponseInit } {
  const id = call.request.params.name ?? "";
  return isEnvironmentId(id) ? { id } : { refused: invalidEnvironmentId(id) };
}

/**
 * The spec in the request body, validated once; or the answer refusing it: 415 for a content type that
 * is neither JSON nor YAML (nothing is guessed from a form or plain text), 400 with every problem.
 */
function specOf(call: ApiCall, text: string): SpecValidation | { refused: HttpResponseInit } {
  const contentType = call.request.headers.get("content-type");
  if (declaredSpecFormat(contentType) === "unsupported") {
    return {
      refused: problemResponse({
        title: "Unsupported media type",
        status: 415,
        detail: `a spec is sent as ${SPEC_CONTENT_TYPES.join(", ")}, not ${contentType ?? ""}`,
      }),
    };
  }
  return withinProvisionerSubscriptions(validateSpecText(text, contentType), call.app.config.subscriptionIds);
}

function invalidSpec(problems: readonly SpecProblem[], warnings: readonly SpecProblem[]): HttpResponseInit {
  return problemResponse({
    title: "Invalid environment spec",
    status: 400,
    detail: `the spec has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was started`,
    problems,
    warnings,
  });
}

/**
 * 400 for a valid spec preflight refuses: every problem Azure would have answered mid-build, found before
 * any write; nothing was written or started.
 */
function refusedByPreflight(report: PreflightReport, warnings: readonly SpecProblem[]): HttpResponseInit {
  const count = report.problems.length;
  return problemResponse({
    title: "Refused before the first write",
    status: 400,
    detail: `preflight found ${count} problem${count === 1 ? "" : "s"} Azure would refuse; nothing was written or started`,
    problems: report.problems,
    warnings: [...warnings, ...report.warnings],
    ...(report.deferred.length > 0 ? { deferred: report.deferred } : {}),
  });
}

/**
 * 503 with `Retry-After` when preflight could not finish (Azure throttled or failed a read, a provider is
 * registering): the spec is not refused, nothing was written or started, and the same request may be sent
 * again after the wait.
 */
function preflightDeferred(report: PreflightReport, warnings: readonly SpecProblem[]): HttpResponseInit {
  const retryAfterSec = report.retryAfterSec ?? 30;
  return problemResponse(
    {
      title: "Preflight could not finish",
      status: 503,
      detail: `${report.deferred.length} check${report.deferred.length === 1 ? "" : "s"} could not finish now; nothing was written or started: send the same request again in ${retryAfterSec} s`,
      deferred: report.deferred,
      warnings: [...warnings, ...report.warnings],
    },
    { "retry-after": String(retryAfterSec) },
  );
}

function busy(request: HttpRequest, outcome: BusyOutcome): HttpResponseInit {
  const operation = outcome.operation;
  return problemResponse(
    {
      title: "Environment busy",
      status: 409,
      detail: operation
        ? `${operationPhrase(operation.action)} of "${outcome.environmentId}" is running since ${operation.startedAt}; retry when it ends or cancel it`
        : `an operation on "${outcome.environmentId}" is running`,
      environmentId: outcome.environmentId,
      statusUrl: environmentUrl(request, outcome.environmentId),
    },
    { location: environmentUrl(request, outcome.environmentId) },
  );
}

/**
 * 202 for a started build or destroy: Durable's check-status answer (its management URLs) plus the
 * environment's own status URL as `Location`, which keeps working after Durable history is purged.
 */
async function accepted(
  call: ApiCall,
  environmentId: string,
  extra: Record<string, unknown>,
): Promise<HttpResponseInit> {
  const check = call.client.createCheckStatusResponse(call.request, environmentId);
  const management = (await check.json()) as Record<string, unknown>;
  const statusUrl = environmentUrl(call.request, environmentId);
  return {
    status: 202,
    headers: { location: statusUrl, "retry-after": check.headers.get("retry-after") ?? RETRY_AFTER_SEC },
    jsonBody: { environmentId, ...extra, statusUrl, ...management },
  };
}

/**
 * Operations on environments; the OpenAPI document and the Opta import are served apart, needing
 * neither storage nor Durable.
 */
type EnvironmentOperation = Exclude<
  ApiFunctionName,
  "getOpenApiDocument" | "importOptaEnvironment" | "getDashboard"
>;

const handlers: Record<EnvironmentOperation, (call: ApiCall) => Promise<HttpResponseInit>> = {
  async postEnvironment(call) {
    const validation = specOf(call, await call.request.text());
    if ("refused" in validation) return validation.refused;
    if (!validation.ok) return invalidSpec(validation.problems, validation.warnings);
    const environmentId = `${validation.spec.org_name}-${validation.spec.name}`;
    // A running build is the answer before any preflight: it changes what preflight would read.
    const running = await call.service.running(environmentId);
    if (running) return busy(call.request, running);
    // Preflight what the claim will build: the engines the environment's record pins (when the spec
    // cannot keep them, the claim below refuses it with why).
    const stored = await call.app.records.get(environmentId);
    const target = applyTargetOf(validation.spec, stored?.record.spec, call.app.plan, validation.modulePaths);
    const report = target ? (await call.app.preflight(target)).report : undefined;
    if (report?.outcome === "refused") return refusedByPreflight(report, validation.warnings);
    if (report?.outcome === "deferred") return preflightDeferred(report, validation.warnings);
    const outcome = await call.service.apply(validation.spec, requestedByOf(call.caller));
    if (outcome.kind === "busy") return busy(call.request, outcome);
    if (outcome.kind === "refused") return invalidSpec(outcome.problems, validation.warnings);
    return accepted(call, outcome.environmentId, {
      action: "apply",
      planHash: outcome.plan.hash,
      warnings: [...validation.warnings, ...(report?.warnings ?? [])],
    });
  },

  async listEnvironments(call) {
    const views = await call.service.list();
    return { jsonBody: { environments: views.map(viewBody) } };
  },

  async getEnvironment(call) {
    const target = environmentIdOf(call);
    if ("refused" in target) return target.refused;
    const { id } = target;
    const view = await call.service.get(id);
    return view ? { jsonBody: viewBody(view) } : unknownEnvironment(id);
  },

  async deleteEnvironment(call) {
    const target = environmentIdOf(call);
    if ("refused" in target) return target.refused;
    const { id } = target;
    const keyVault = call.request.query.get("keyVault") ?? "keep";
    if (keyVault !== "keep" && keyVault !== "purge") {
      return problemResponse({
        title: "Invalid query parameter",
        status: 400,
        detail: "keyVault must be keep or purge",
      });
    }
    const outcome = await call.service.destroy(id, keyVault, requestedByOf(call.caller));
    if (!outcome) return unknownEnvironment(id);
    if (outcome.kind === "busy") return busy(call.request, outcome);
    return accepted(call, id, { action: "destroy", planHash: outcome.plan.hash });
  },

  async previewEnvironmentPlan(call) {
    const target = environmentIdOf(call);
    if ("refused" in target) return target.refused;
    const { id } = target;
    const text = await call.request.text();
    const stored = await call.app.records.get(id);
    let preflightTarget: PreflightTarget;
    let replacements: EngineReplacement[] = [];
    if (text.trim() !== "") {
      const validation = specOf(call, text);
      if ("refused" in validation) return validation.refused;
      if (!validation.ok) return invalidSpec(validation.problems, validation.warnings);
      // Planned as an apply would plan it: with the engines the environment's record pins.
      const pinned = pinRecordedEngines(validation.spec, stored?.record.spec);
      if (!pinned.ok) return invalidSpec(pinned.problems, validation.warnings);
      const plan = call.app.plan(pinned.spec);
      if (plan.environmentId !== id) {
        return problemResponse({
          title: "Spec names another environment",
          status: 400,
          detail: `the spec is for "${plan.environmentId}", the URL names "${id}"`,
        });
      }
      preflightTarget = {
        spec: pinned.spec,
        plan,
        ...(validation.modulePaths ? { modulePaths: validation.modulePaths } : {}),
      };
      if (stored && pinned.switches.length > 0) {
        replacements = engineReplacements(plan, call.service.planOf(stored.record), pinned.switches);
      }
    } else if (stored) {
      preflightTarget = {
        spec: normalizeRecordedSpec(stored.record.spec),
        plan: call.service.planOf(stored.record),
      };
    } else {
      return unknownEnvironment(id);
    }
    // The preview is preflight's: the same live reads, and what applying would be refused for.
    const preflighted = await call.app.preflight(preflightTarget);
    const { report } = preflighted;
    const nodes = withReplacements(preflighted.nodes, preflightTarget.plan, replacements);
    return {
      jsonBody: {
        environmentId: preflightTarget.plan.environmentId,
        planHash: preflightTarget.plan.hash,
        ...(stored ? { lastAppliedPlanHash: stored.record.planHash } : {}),
        changes: countChanges(nodes),
        ...(replacements.length > 0 ? { replacements } : {}),
        nodes,
        preflight: report,
      },
    };
  },

  async putEnvironmentCertificate(call) {
    const target = environmentIdOf(call);
    if ("refused" in target) return target.refused;
    const { id } = target;
    const certificate = call.request.params.certificate ?? "";
    return answerCertificateUpload(call.request, id, certificate, {
      environment: async () => {
        const stored = await call.app.records.get(id);
        return stored ? { spec: stored.record.spec, plan: call.service.planOf(stored.record) } : undefined;
      },
      clients: () => call.app.azureClients(),
      notifyBuild: async (data) => {
        const status = await orchestrationClientOf(call.client).getStatus(id);
        if (!status || !isActiveRuntimeStatus(status.runtimeStatus)) return false;
        try {
          // Only names and the version: the build looks the certificate up in Key Vault itself.
          await call.client.raiseEvent(id, CERTIFICATE_UPLOADED_EVENT, data);
          return true;
        } catch {
          // The build ended in between: the next apply finds the certificate.
          return false;
        }
      },
    });
  },

  async getEnvironmentGraph(call) {
    const target = environmentIdOf(call);
    if ("refused" in target) return target.refused;
    const stored = await call.app.records.get(target.id);
    if (!stored) return unknownEnvironment(target.id);
    return { jsonBody: planGraph(call.service.planOf(stored.record)) };
  },

  getEnvironmentHistory: (call) => answerHistory(call.request, call.app),

  async cancelEnvironment(call) {
    const target = environmentIdOf(call);
    if ("refused" in target) return target.refused;
    const { id } = target;
    const outcome = await call.service.cancel(id, "canceled through the API");
    if (outcome === undefined) return unknownEnvironment(id);
    if (outcome.kind === "idle") {
      return problemResponse({
        title: "Nothing to cancel",
        status: 409,
        detail: `no build or destroy of "${id}" is running`,
      });
    }
    const view = await call.service.get(id);
    return {
      status: 202,
      jsonBody: {
        ...(view ? viewBody(view) : { environmentId: id }),
        // What Azure is still doing on its own, and anything the host had not stopped yet.
        leftInAzure: outcome.leftInAzure,
        ...(outcome.stillStopping.length > 0 ? { stillStopping: outcome.stillStopping } : {}),
      },
    };
  },
};

/**
 * The answer to an error no handler answered: settings problems are the operator's to fix (say which,
 * without internals); a record another request changed in between is that request winning (409, as a
 * client would have got a moment later); anything else is a bug, answered as a problem with the
 * invocation id to find it in the logs, never a bare 500 and never its stack.
 */
function answerTo(error: unknown, context: InvocationContext): HttpResponseInit {
  const known = misconfigured(error);
  if (known) return known;
  if (isRecordConflictError(error)) {
    return problemResponse({
      title: "Environment busy",
      status: 409,
      detail: `another request on "${error.environmentId}" changed it at the same moment; read it again and retry`,
      environmentId: error.environmentId,
    });
  }
  context.error(
    `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return problemResponse({
    title: "Internal error",
    status: 500,
    detail: `the request failed unexpectedly; invocation ${context.invocationId} has the details in the logs`,
    invocationId: context.invocationId,
  });
}

/** Settings problems are the operator's to fix; say which, without internals. */
function misconfigured(error: unknown): HttpResponseInit | undefined {
  if (isConfigError(error)) {
    return problemResponse({
      title: "Provisioner misconfigured",
      status: 500,
      detail: error.problems.join("; "),
    });
  }
  if (isPlanContextError(error)) {
    return problemResponse({ title: "Provisioner misconfigured", status: 500, detail: error.message });
  }
  return undefined;
}

for (const name of Object.keys(handlers) as EnvironmentOperation[]) {
  const route = API_ROUTES[name];
  app.http(name, {
    route: route.route,
    methods: [route.method],
    authLevel: "function",
    extraInputs: [df.input.durableClient()],
    handler: guarded(
      name,
      async (request, context, caller) => {
        try {
          const client = df.getClient(context);
          const shared = await appContext();
          const service = createEnvironmentService({
            records: shared.records,
            orchestrations: orchestrationClientOf(client),
            plan: shared.plan,
            operationEnded: recordOperationEnded(shared.audit, context),
          });
          return await handlers[name]({ request, context, app: shared, service, client, caller });
        } catch (error) {
          return answerTo(error, context);
        }
      },
      answerTo,
    ),
  });
}

app.http("importOptaEnvironment", {
  route: API_ROUTES.importOptaEnvironment.route,
  methods: [API_ROUTES.importOptaEnvironment.method],
  authLevel: "function",
  handler: guarded(
    "importOptaEnvironment",
    async (request, context) => {
      try {
        return await answerOptaImport(request);
      } catch (error) {
        return answerTo(error, context);
      }
    },
    answerTo,
  ),
});

app.http("getOpenApiDocument", {
  route: API_ROUTES.getOpenApiDocument.route,
  methods: [API_ROUTES.getOpenApiDocument.method],
  authLevel: "function",
  handler: guarded(
    "getOpenApiDocument",
    async (request) => ({ jsonBody: buildOpenApiDocument(new URL(request.url).origin) }),
    answerTo,
  ),
});

app.http("getDashboard", {
  route: API_ROUTES.getDashboard.route,
  methods: [API_ROUTES.getDashboard.method],
  authLevel: "function",
  handler: (_request: HttpRequest, context: InvocationContext): HttpResponseInit => {
    try {
      const page = dashboardDocument();
      return { status: 200, headers: page.headers, body: page.html };
    } catch (error) {
      return answerTo(error, context);
    }
  },
});
