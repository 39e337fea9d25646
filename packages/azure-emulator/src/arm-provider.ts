/**
 * The one generic ARM resource provider: PUT, PATCH, GET, DELETE, list and POST actions for every type
 * in the registry, driven by each type's {@link ResourceTypeSpec}. Operations finish lazily: every
 * request first settles the operations whose time has come.
 */
import { isDeepStrictEqual } from "node:util";
import { randomUUID } from "node:crypto";
import { operationDurationsOf } from "./azure-facts/operation-durations.js";
import {
  definesProperty,
  keptBody,
  normalizeLocation,
  refuseMissingRequired,
  refuseUndefinedMembers,
  requestDefinition,
  servedDefinition,
  topLevelMembers,
} from "./arm-definitions.js";
import { AZURE_REGIONS, isAzureRegion } from "./azure-facts/regions.js";
import { isRecord, mergeDeep, objectAt, valueAt, valuesAt, withoutPath } from "./body-path.js";
import { ArmError, badRequest, conflict, notFound } from "./errors.js";
import type { FaultInjector } from "./faults.js";
import type { ArmRequest, ArmResponse } from "./http-types.js";
import { DELETED_VAULT_PATH, deletedVaultRequest } from "./deleted-vaults.js";
import { initialAnswer, OPERATION_PATH, OperationUrls, resultAnswer, statusAnswer } from "./lro-answers.js";
import type { Operation, OperationKind, OperationTracker } from "./operations.js";
import type { TypeRegistry } from "./registry.js";
import { idKey, parseArmPath, resourceGroupIdOf, subscriptionOf, type ArmTarget } from "./resource-path.js";
import type { ProviderEnv, ResourceTypeSpec } from "./resource-type.js";
import type { StoredResource } from "./store.js";
import { subscriptionRouteType } from "./subscriptions/index.js";
import { locationOf, referencesTo } from "./types/shared.js";

/** Caller-owned top-level fields ARM keeps from a request body; the rest (id, etag, …) is the service's. */
const CALLER_FIELDS = [
  "location",
  "tags",
  "sku",
  "kind",
  "zones",
  "identity",
  "properties",
  "extendedLocation",
  "plan",
];

const RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";
/** Generic listing of a resource group's resources (group 1: the group's id). */
const GROUP_RESOURCES_PATH = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+)\/resources$/i;
const MANAGED_CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters";

/** Everything the provider works with. */
export interface ArmProviderDeps {
  readonly registry: TypeRegistry;
  readonly env: ProviderEnv;
  readonly operations: OperationTracker;
  readonly faults: FaultInjector;
}

/** What a request addresses, for logs and fault matching. */
export function resourceTypeOfPath(path: string, registry: TypeRegistry, method = "GET"): string | undefined {
  if (DELETED_VAULT_PATH.test(path)) return "Microsoft.KeyVault/deletedVaults";
  const subscriptionRoute = subscriptionRouteType(method, path);
  if (subscriptionRoute) return subscriptionRoute;
  if (OPERATION_PATH.test(path)) return "operations";
  return parseArmPath(path, registry)?.type;
}

export class ArmProvider {
  private readonly urls: OperationUrls;

  constructor(private readonly deps: ArmProviderDeps) {
    this.urls = new OperationUrls(deps.env.armOrigin);
  }

  private get env(): ProviderEnv {
    return this.deps.env;
  }

  /** Handles one ARM request; throws {@link ArmError} for ARM error answers. */
  async handle(req: ArmRequest): Promise<ArmResponse> {
    await this.settle();
    const apiVersion = req.url.searchParams.get("api-version");
    if (!apiVersion) {
      throw badRequest(
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    const operationMatch = OPERATION_PATH.exec(req.path);
    if (operationMatch && req.method === "GET") return this.pollOperation(operationMatch, req);
    const groupResources = GROUP_RESOURCES_PATH.exec(req.path);
    if (groupResources && req.method === "GET") return this.listGroupResources(groupResources[1] ?? "");
    const deletedVault = DELETED_VAULT_PATH.exec(req.path);
    if (deletedVault) {
      return deletedVaultRequest(req, deletedVault, apiVersion, {
        env: this.env,
        operations: this.deps.operations,
        urls: this.urls,
      });
    }

    const target = parseArmPath(req.path, this.deps.registry);
    if (!target)
      throw notFound("InvalidResourceType", `The resource type could not be found for path '${req.path}'.`);
    const spec = this.specOf(target.type);
    servedDefinition(spec, apiVersion);
    if (target.kind === "resource") {
      if (req.method === "GET") return { status: 200, body: this.render(this.existing(target.id, spec)) };
      if (req.method === "PUT" || req.method === "PATCH")
        return this.write(req, target, spec, req.method, apiVersion);
      if (req.method === "DELETE") return this.delete(req, target, spec, apiVersion);
    } else if (target.kind === "collection" && req.method === "GET") {
      return { status: 200, body: { value: this.list(target.parentId, spec).map((r) => this.render(r)) } };
    } else if (target.kind === "action" && req.method === "POST") {
      return this.action(req, target, spec);
    }
    throw new ArmError(405, "MethodNotAllowed", `${req.method} is not supported on '${req.path}'.`);
  }

  /** Finishes every operation whose end time has passed. */
  async settle(): Promise<void> {
    for (const op of this.deps.operations.due(this.env.now())) {
      this.deps.operations.finish(op, this.env.now());
      await this.complete(op);
    }
  }

  /** `GET …/resourceGroups/{rg}/resources`: the group's top-level resources, in ARM's generic shape. */
  private listGroupResources(groupId: string): ArmResponse {
    const group = this.existing(groupId, this.specOf(RESOURCE_GROUP_TYPE));
    const value = this.env.store.children(group.id).map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      ...(typeof r.body.location === "string" ? { location: r.body.location } : {}),
      ...(r.body.tags ? { tags: r.body.tags } : {}),
    }));
    return { status: 200, body: { value } };
  }

  /**
   * The ARM JSON of a resource: the service's defaults under the caller's fields, the service's read-only
   * fields over them, and state. A type with a definition table answers only the envelope members it
   * defines (no `etag` where the spec has none, `eTag` where it spells it so, `systemData` where it has it)
   * and `provisioningState` only where its properties have one.
   */
  render(resource: StoredResource): Record<string, unknown> {
    const spec = this.specOf(resource.type);
    const definition = spec.schemas?.[0];
    const merged = mergeDeep(
      mergeDeep(mergeDeep(spec.defaults?.(resource, this.env) ?? {}, resource.body), resource.readOnly),
      spec.renderExtra?.(resource, this.env) ?? {},
    );
    const properties = isRecord(merged.properties) ? merged.properties : {};
    const members = topLevelMembers(definition);
    const has = (member: string): boolean => members === undefined || members.has(member);
    const envelope: Record<string, unknown> = {
      ...(has("id") ? { id: resource.id } : {}),
      ...(has("name") ? { name: resource.name } : {}),
      ...(has("type") ? { type: resource.type } : {}),
    };
    const state =
      definition === undefined || definesProperty(definition, "provisioningState")
        ? { provisioningState: resource.provisioningState }
        : {};
    const { systemData, ...rest } = merged;
    return {
      ...envelope,
      ...rest,
      ...(members === undefined || members.has("etag") ? { etag: resource.etag } : {}),
      ...(members?.has("eTag") ? { eTag: resource.etag } : {}),
      ...(members?.has("systemData") && systemData !== undefined ? { systemData } : {}),
      ...(members === undefined || members.has("properties")
        ? { properties: { ...properties, ...state } }
        : {}),
    };
  }

  private specOf(type: string): ResourceTypeSpec {
    const spec = this.deps.registry.get(type.toLowerCase());
    if (!spec)
      throw notFound("InvalidResourceType", `The resource type '${type}' is not served by the emulator.`);
    return spec;
  }

  private existing(id: string, spec: ResourceTypeSpec): StoredResource {
    const resource = this.env.store.get(id);
    if (resource) return resource;
    if (spec.type === RESOURCE_GROUP_TYPE) {
      throw notFound(
        "ResourceGroupNotFound",
        `Resource group '${id.split("/").at(-1) ?? ""}' could not be found.`,
      );
    }
    this.requireContainers(id, spec);
    throw notFound(
      "ResourceNotFound",
      `The Resource '${spec.type}/${id.split("/").at(-1) ?? ""}' under resource group '${id.split("/")[4] ?? ""}' was not found.`,
    );
  }

  private list(parentId: string, spec: ResourceTypeSpec): StoredResource[] {
    const isSubscription = /^\/subscriptions\/[^/]+$/i.test(parentId);
    if (isSubscription && spec.type !== RESOURCE_GROUP_TYPE) return this.env.store.under(parentId, spec.type);
    if (parentId && resourceGroupIdOf(parentId) && !this.env.store.get(parentId))
      this.requireContainers(`${parentId}/x`, spec);
    return this.env.store.children(parentId, spec.type);
  }

  /** 404 when the resource group or the parent resource of `id` does not exist. */
  private requireContainers(id: string, spec: ResourceTypeSpec): void {
    const groupId = resourceGroupIdOf(id);
    if (groupId && idKey(groupId) !== idKey(id) && !this.env.store.get(groupId)) {
      throw notFound(
        "ResourceGroupNotFound",
        `Resource group '${groupId.split("/").at(-1) ?? ""}' could not be found.`,
      );
    }
    const parentTypeDepth = spec.type.split("/").length - 2;
    if (parentTypeDepth <= 0) return;
    const parentId = id.split("/").slice(0, -2).join("/");
    if (!this.env.store.get(parentId)) {
      throw notFound(
        "ParentResourceNotFound",
        `Can not perform requested operation on nested resource. Parent resource '${parentId.split("/").at(-1) ?? ""}' not found.`,
      );
    }
  }

  /**
   * An extension resource's scope, when it is a resource of a served type, must exist: ARM answers 404
   * `ResourceNotFound` ("The Resource '<type>/<name>' under resource group '<rg>' was not found").
   */
  private requireScope(scopeId: string): void {
    const scope = parseArmPath(scopeId, this.deps.registry);
    if (scope?.kind !== "resource" || scope.type === RESOURCE_GROUP_TYPE) return;
    if (this.env.store.get(scope.id)) return;
    const group = resourceGroupIdOf(scope.id)?.split("/").at(-1) ?? "";
    throw notFound(
      "ResourceNotFound",
      `The Resource '${scope.type}/${scope.name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }

  private checkNotBusy(target: ResourceTarget, spec: ResourceTypeSpec): void {
    const running = this.deps.operations.runningOn(target.id);
    if (running) {
      throw conflict(
        spec.busyCode ?? "AnotherOperationInProgress",
        `Another operation (${running.kind}) is in progress on '${target.name}'. Please retry after it completes.`,
      );
    }
    // Writes under a resource group that is being deleted are refused, as ARM does.
    const groupId = resourceGroupIdOf(target.id);
    if (
      groupId &&
      idKey(groupId) !== idKey(target.id) &&
      this.deps.operations.runningOn(groupId)?.kind === "delete"
    ) {
      throw conflict(
        "ResourceGroupBeingDeleted",
        `The resource group '${groupId.split("/").at(-1) ?? ""}' is in deprovisioning state and cannot perform this operation.`,
      );
    }
    if (!spec.parentBusy) return;
    const parentOp = this.deps.operations.runningOn(target.parentId);
    const siblingOp = this.env.store
      .children(target.parentId, spec.type)
      .map((s) => this.deps.operations.runningOn(s.id))
      .find((op) => op !== undefined);
    const blocking = parentOp ?? siblingOp;
    if (blocking) {
      const waitMs = Math.max(1, Math.min(blocking.endsAtMs, this.env.now() + 60_000) - this.env.now());
      const retryAfter = Math.ceil(waitMs / 1000);
      throw new ArmError(
        spec.parentBusy.status,
        spec.parentBusy.code,
        `Operation on '${target.name}' cannot proceed while another operation on '${target.parentId.split("/").at(-1) ?? ""}' or its children is in progress. It can be retried in ${retryAfter} seconds.`,
        // retry-after-ms keeps scaled waits short; the SDK prefers it to Retry-After.
        { "Retry-After": String(retryAfter), "retry-after-ms": String(Math.ceil(waitMs)) },
      );
    }
  }

  private parseBody(req: ArmRequest): Record<string, unknown> {
    if (req.body.length === 0) return {};
    try {
      const parsed: unknown = JSON.parse(req.body.toString("utf8"));
      if (isRecord(parsed)) return parsed;
    } catch {
      // fall through to the ARM error below
    }
    throw badRequest(
      "InvalidRequestContent",
      "The request content was invalid and could not be deserialized.",
    );
  }

  /** The caller-owned part of a request body, without write-only values and service-owned state. */
  private callerBody(raw: Record<string, unknown>, spec: ResourceTypeSpec): Record<string, unknown> {
    let body: Record<string, unknown> = Object.fromEntries(
      Object.entries(raw).filter(([key]) => CALLER_FIELDS.includes(key)),
    );
    body = withoutPath(body, "properties.provisioningState");
    for (const path of spec.writeOnly ?? []) body = withoutPath(body, path);
    return body;
  }

  /** A kept request body without the members the type's service owns (`readOnlyPaths`), whatever was sent. */
  private withoutServiceOwned(
    body: Record<string, unknown>,
    spec: ResourceTypeSpec,
  ): Record<string, unknown> {
    let kept = body;
    for (const path of spec.readOnlyPaths ?? []) kept = withoutPath(kept, path);
    return kept;
  }

  /** Generic validation every type gets from its spec data. */
  private validateGeneric(
    target: ResourceTarget,
    spec: ResourceTypeSpec,
    body: Record<string, unknown>,
    existing: StoredResource | undefined,
  ): void {
    if (!existing && spec.namePattern && !spec.namePattern.test(target.name)) {
      throw badRequest(
        "InvalidResourceName",
        `The resource name '${target.name}' is invalid for type '${spec.type}'.`,
      );
    }
    if (spec.tracked && typeof body.location !== "string") {
      throw badRequest("LocationRequired", "The location property is required for this definition.");
    }
    if (spec.tracked && typeof body.location === "string") this.refuseUnknownLocation(spec, body.location);
    for (const path of spec.required ?? []) {
      if (valueAt(body, path) === undefined) {
        throw badRequest(
          "InvalidRequestContent",
          `The request content is missing the required property '${path}'.`,
        );
      }
    }
    for (const rule of spec.references ?? []) {
      for (const value of valuesAt(body, rule.path)) {
        const referenced = typeof value === "string" ? this.env.store.get(value) : undefined;
        const typeOk =
          referenced && (rule.type === "*" || referenced.type.toLowerCase() === rule.type.toLowerCase());
        const locationOk =
          !rule.sameLocation ||
          (referenced !== undefined &&
            normalizeLocation(String(referenced.body.location ?? "")) ===
              normalizeLocation(String(body.location ?? "")));
        if (!typeOk || !locationOk) {
          throw badRequest(
            rule.code ?? "InvalidResourceReference",
            `Resource ${String(value)} referenced by resource ${target.id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
          );
        }
      }
    }
    if (!existing && spec.globalNameTakenCode) {
      const taken = this.env.store
        .ofType(spec.type)
        .find((r) => r.name.toLowerCase() === target.name.toLowerCase() && idKey(r.id) !== idKey(target.id));
      const sameSubscription =
        taken !== undefined &&
        subscriptionOf(taken.id)?.toLowerCase() === subscriptionOf(target.id)?.toLowerCase();
      if (sameSubscription && spec.nameInAnotherResourceGroup) {
        throw conflict(
          spec.nameInAnotherResourceGroup.code,
          spec.nameInAnotherResourceGroup.message(target.name),
        );
      }
      if (taken) {
        throw conflict(
          spec.globalNameTakenCode,
          `The name '${target.name}' is already in use. Names of this resource type are globally unique.`,
        );
      }
    }
  }

  /** ARM's check of a tracked resource's location: a region (or `global` for global types). */
  private refuseUnknownLocation(spec: ResourceTypeSpec, location: string): void {
    const normalized = normalizeLocation(location);
    const ok = spec.globalLocation ? normalized === "global" : isAzureRegion(normalized);
    if (ok) return;
    const available = spec.globalLocation ? "global" : AZURE_REGIONS.join(",");
    throw badRequest(
      "LocationNotAvailableForResourceType",
      `The provided location '${location}' is not available for resource type '${spec.type}'. List of available regions for the resource type is '${available}'.`,
    );
  }

  private async write(
    req: ArmRequest,
    target: ResourceTarget,
    spec: ResourceTypeSpec,
    method: "PUT" | "PATCH",
    apiVersion: string,
  ): Promise<ArmResponse> {
    const raw = this.parseBody(req);
    this.requireContainers(target.id, spec);
    if (spec.extension) this.requireScope(target.parentId);
    const existing = this.env.store.get(target.id);
    if (method === "PATCH" && !existing) this.existing(target.id, spec);
    this.checkNotBusy(target, spec);
    this.checkAksBusy(spec, existing);
    const definition = servedDefinition(spec, apiVersion);
    const requestSchema = definition ? requestDefinition(definition, method) : undefined;
    if (requestSchema) refuseUndefinedMembers(raw, requestSchema);
    const incoming = this.withoutServiceOwned(
      requestSchema ? keptBody(raw, requestSchema) : this.callerBody(raw, spec),
      spec,
    );
    if (!existing) this.refuseNewCustomer(req, spec);
    const body =
      method === "PATCH" && existing
        ? mergeDeep(existing.body, incoming)
        : existing
          ? incoming
          : this.withCreateDefaults(incoming, spec);
    this.validateGeneric(target, spec, body, existing);
    if (requestSchema && method === "PUT") refuseMissingRequired(raw, requestSchema);
    spec.validate?.({
      id: target.id,
      name: target.name,
      parentId: target.parentId,
      body,
      request: raw,
      existing,
      env: this.env,
    });

    const nowMs = this.env.now();
    const unchanged =
      method === "PUT" &&
      spec.unchangedPutAnswersAtOnce === true &&
      existing !== undefined &&
      isDeepStrictEqual(existing.body, body);
    const resource: StoredResource = existing ?? {
      id: target.id,
      type: spec.type,
      name: target.name,
      parentId: target.parentId,
      body,
      readOnly: {},
      secrets: spec.makeSecrets?.() ?? {},
      etag: "",
      provisioningState: "Creating",
      createdAtMs: nowMs,
    };
    resource.body = body;
    resource.readOnly = mergeDeep(resource.readOnly, spec.synthesize?.(resource, this.env) ?? {});
    if (topLevelMembers(definition)?.has("systemData")) {
      resource.readOnly = mergeDeep(resource.readOnly, systemDataOf(resource, req, nowMs));
    }
    resource.etag = `W/"${randomUUID()}"`;
    this.env.store.put(resource);
    await spec.afterWrite?.(resource, this.env);

    const status = existing ? 200 : 201;
    const kind: OperationKind = existing ? "update" : "create";
    const style = method === "PATCH" ? (spec.patchStyle ?? spec.putStyle) : spec.putStyle;
    if (style === "sync" || unchanged) {
      resource.provisioningState = "Succeeded";
      return { status, body: this.writeAnswer(resource, spec) };
    }
    resource.provisioningState =
      (existing ? spec.transitionalStates?.update : spec.transitionalStates?.create) ??
      (existing ? "Updating" : "Creating");
    const op = this.startOperation(req, resource, kind);
    return initialAnswer(
      style,
      op,
      status,
      this.writeAnswer(resource, spec),
      this.lroContext(resource, apiVersion),
    );
  }

  /** The answer to a write: the resource, plus what only such an answer carries. */
  private writeAnswer(resource: StoredResource, spec: ResourceTypeSpec): Record<string, unknown> {
    return mergeDeep(this.render(resource), spec.writeAnswerExtra?.(resource) ?? {});
  }

  /** The body of a create with the values the service fills where the caller left them out. */
  private withCreateDefaults(body: Record<string, unknown>, spec: ResourceTypeSpec): Record<string, unknown> {
    let defaults: Record<string, unknown> = {};
    for (const [path, value] of Object.entries(spec.createDefaults ?? {})) {
      defaults = mergeDeep(defaults, objectAt(path, value));
    }
    return mergeDeep(defaults, body);
  }

  /** A create the service refuses because the tenant is a new customer of a retiring service. */
  private refuseNewCustomer(req: ArmRequest, spec: ResourceTypeSpec): void {
    const refusal = spec.newCustomerRefusal;
    if (!refusal) return;
    const subject = { method: req.method, path: req.path, resourceType: spec.type };
    if (this.deps.faults.take(subject, ["new-customer-create-refused"])) {
      throw new ArmError(refusal.status, refusal.code, refusal.message);
    }
  }

  private checkAksBusy(spec: ResourceTypeSpec, existing: StoredResource | undefined): void {
    if (!existing || spec.type !== MANAGED_CLUSTER_TYPE) return;
    const busyMs = this.deps.faults.durationSec("aks-busy-after-create") * 1000 * this.env.timeScale();
    if (this.env.now() - existing.createdAtMs < busyMs) {
      throw conflict(
        "OperationNotAllowed",
        "Operation is not allowed because there's an in progress create managed cluster operation. Please try again later.",
      );
    }
  }

  private startOperation(req: ArmRequest, resource: StoredResource, kind: OperationKind): Operation {
    const durations = operationDurationsOf(resource.type);
    const scale = this.env.timeScale();
    const seconds =
      kind === "create" ? durations.createSec : kind === "update" ? durations.updateSec : durations.deleteSec;
    const nowMs = this.env.now();
    const subject = { method: req.method, path: req.path, resourceType: resource.type };
    const fault = this.deps.faults.take(subject, ["operation-failed", "operation-never-finishes"]);
    return this.deps.operations.start({
      resourceId: resource.id,
      resourceType: resource.type,
      kind,
      startedAtMs: nowMs,
      endsAtMs: fault?.kind === "operation-never-finishes" ? Infinity : nowMs + seconds * 1000 * scale,
      ...(fault?.kind === "operation-failed"
        ? {
            failure: {
              code: fault.code,
              message: fault.message ?? `The operation failed with ${fault.code}.`,
            },
          }
        : {}),
      pollIntervalMs: durations.retryAfterSec * 1000 * scale,
    });
  }

  private lroContext(resource: StoredResource, apiVersion: string) {
    return { urls: this.urls, location: locationOf(resource), apiVersion, nowMs: this.env.now() };
  }

  private async delete(
    req: ArmRequest,
    target: ResourceTarget,
    spec: ResourceTypeSpec,
    apiVersion: string,
  ): Promise<ArmResponse> {
    if (spec.noDelete) {
      throw new ArmError(
        405,
        "MethodNotAllowed",
        `The requested resource does not support http method 'DELETE'.`,
      );
    }
    const resource = this.env.store.get(target.id);
    if (!resource) {
      // ARM answers 204 for deleting what is not there, except for a missing resource group.
      if (spec.type === RESOURCE_GROUP_TYPE) this.existing(target.id, spec);
      return { status: 204 };
    }
    this.checkNotBusy(target, spec);
    if (spec.inUseCode) this.refuseWhileInUse(resource, spec.inUseCode);
    if (spec.deleteStyle === "sync") {
      await this.removeTree(resource.id);
      return { status: 200 };
    }
    resource.provisioningState = spec.transitionalStates?.delete ?? "Deleting";
    const op = this.startOperation(req, resource, "delete");
    return initialAnswer(spec.deleteStyle, op, 202, undefined, this.lroContext(resource, apiVersion));
  }

  /** 400 with `code` when another resource references `resource` or one of its children. */
  private refuseWhileInUse(resource: StoredResource, code: string): void {
    for (const part of [resource, ...this.env.store.under(resource.id)]) {
      const users = referencesTo(this.env.store, part.id).filter(
        (u) => !idKey(u.id).startsWith(`${idKey(resource.id)}/`),
      );
      if (users.length > 0) {
        throw badRequest(
          code,
          `${part.type.split("/").at(-1) ?? "Resource"} ${part.name} is in use by ${users.map((u) => u.id).join(", ")} and cannot be deleted. Delete or detach the resources that use it first.`,
        );
      }
    }
  }

  /** Removes a resource and everything under it, deepest first, running delete hooks. */
  async removeTree(id: string): Promise<void> {
    const root = this.env.store.get(id);
    const below = this.env.store.under(id).sort((a, b) => b.id.length - a.id.length);
    for (const resource of [...below, ...(root ? [root] : [])]) {
      this.env.store.remove(resource.id);
      await this.specOf(resource.type).afterDelete?.(resource, this.env);
    }
    this.deps.operations.abandonUnder(id, this.env.now());
  }

  private async complete(op: Operation): Promise<void> {
    const resource = this.env.store.get(op.resourceId);
    if (!resource) return;
    if (op.failure) {
      resource.provisioningState = "Failed";
      return;
    }
    if (op.kind === "delete") await this.removeTree(resource.id);
    else resource.provisioningState = "Succeeded";
  }

  private pollOperation(match: RegExpExecArray, req: ArmRequest): ArmResponse {
    const op = this.deps.operations.get(match[2] ?? "");
    if (!op) throw notFound("OperationNotFound", `The operation '${match[2] ?? ""}' was not found.`);
    const nowMs = this.env.now();
    if ((match[1] ?? "").toLowerCase() === "operationstatuses") return statusAnswer(op, nowMs);
    const resource = this.env.store.get(op.resourceId);
    return resultAnswer(
      op,
      nowMs,
      `${this.env.armOrigin}${req.url.pathname}${req.url.search}`,
      resource ? this.render(resource) : undefined,
    );
  }

  private async action(req: ArmRequest, target: ActionTarget, spec: ResourceTypeSpec): Promise<ArmResponse> {
    const handler = spec.actions?.[target.action.toLowerCase()];
    if (!handler)
      throw notFound(
        "InvalidResourceType",
        `The action '${target.action}' is not supported on '${spec.type}'.`,
      );
    const resource = this.existing(target.id, spec);
    return handler(resource, this.env, req.url);
  }
}

type ResourceTarget = Extract<ArmTarget, { kind: "resource" }>;
type ActionTarget = Extract<ArmTarget, { kind: "action" }>;

/** ARM's `systemData` of a write: who made the resource and when, who changed it last and when. */
function systemDataOf(resource: StoredResource, req: ArmRequest, nowMs: number): Record<string, unknown> {
  const created = (resource.readOnly.systemData ?? {}) as Record<string, unknown>;
  return {
    systemData: {
      createdBy: created.createdBy ?? req.principal.objectId,
      createdByType: created.createdByType ?? "Application",
      createdAt: created.createdAt ?? new Date(resource.createdAtMs).toISOString(),
      lastModifiedBy: req.principal.objectId,
      lastModifiedByType: "Application",
      lastModifiedAt: new Date(nowMs).toISOString(),
    },
  };
}
