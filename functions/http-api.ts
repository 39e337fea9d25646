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
  type BusyOutcome,
  type EnvironmentService,
  type EnvironmentView,
} from "./environment-service";
import { buildOpenApiDocument } from "./openapi";
import { answerOptaImport } from "./opta-import-api";
import {
  armLiveReader,
  countChanges,
  engineReplacements,
  previewPlan,
  withReplacements,
  type EngineReplacement,
} from "./plan-preview";
import { pinRecordedEngines } from "../lib/spec/pinned-engines";
import { problemResponse, unknownEnvironment } from "./problem";
import { isRecordConflictError } from "./records";
import {
  SPEC_CONTENT_TYPES,
  declaredSpecFormat,
  validateSpecText,
  withinProvisionerSubscription,
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
  return withinProvisionerSubscription(validateSpecText(text, contentType), call.app.config.subscriptionId);
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

function busy(request: HttpRequest, outcome: BusyOutcome): HttpResponseInit {
  const operation = outcome.operation;
  return problemResponse(
    {
      title: "Environment busy",
      status: 409,
      detail: operation
        ? `a ${operation.action} of "${outcome.environmentId}" is running since ${operation.startedAt}; retry when it ends or cancel it`
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
type EnvironmentOperation = Exclude<ApiFunctionName, "getOpenApiDocument" | "importOptaEnvironment">;

const handlers: Record<EnvironmentOperation, (call: ApiCall) => Promise<HttpResponseInit>> = {
  async postEnvironment(call) {
    const validation = specOf(call, await call.request.text());
    if ("refused" in validation) return validation.refused;
    if (!validation.ok) return invalidSpec(validation.problems, validation.warnings);
    const outcome = await call.service.apply(validation.spec, requestedByOf(call.caller));
    if (outcome.kind === "busy") return busy(call.request, outcome);
    if (outcome.kind === "refused") return invalidSpec(outcome.problems, validation.warnings);
    return accepted(call, outcome.environmentId, {
      action: "apply",
      planHash: outcome.plan.hash,
      warnings: validation.warnings,
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
    let plan;
    let replacements: EngineReplacement[] = [];
    if (text.trim() !== "") {
      const validation = specOf(call, text);
      if ("refused" in validation) return validation.refused;
      if (!validation.ok) return invalidSpec(validation.problems, validation.warnings);
      // Planned as an apply would plan it: with the engines the environment's record pins.
      const pinned = pinRecordedEngines(validation.spec, stored?.record.spec);
      if (!pinned.ok) return invalidSpec(pinned.problems, validation.warnings);
      plan = call.app.plan(pinned.spec);
      if (plan.environmentId !== id) {
        return problemResponse({
          title: "Spec names another environment",
          status: 400,
          detail: `the spec is for "${plan.environmentId}", the URL names "${id}"`,
        });
      }
      if (stored && pinned.switches.length > 0) {
        replacements = engineReplacements(plan, call.service.planOf(stored.record), pinned.switches);
      }
    } else if (stored) {
      plan = call.service.planOf(stored.record);
    } else {
      return unknownEnvironment(id);
    }
    const nodes = withReplacements(
      await previewPlan(plan, armLiveReader(call.app.azureClients())),
      plan,
      replacements,
    );
    return {
      jsonBody: {
        environmentId: plan.environmentId,
        planHash: plan.hash,
        ...(stored ? { lastAppliedPlanHash: stored.record.planHash } : {}),
        changes: countChanges(nodes),
        ...(replacements.length > 0 ? { replacements } : {}),
        nodes,
      },
    };
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
