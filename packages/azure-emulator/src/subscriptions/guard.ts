/**
 * What ARM refuses for a subscription's sake before any resource provider sees a request, as Azure words
 * it: a token of another tenant than the subscription's (401 `InvalidAuthenticationTokenTenant`), writes to
 * a disabled or deleted subscription (409 `ReadOnlyDisabledSubscription`), writes the identity's
 * permissions do not allow (403 `AuthorizationFailed`), writes to a provider namespace the subscription has
 * not registered (409 `MissingSubscriptionRegistration`), creating a resource in a region its type is
 * withdrawn from (400 `LocationNotAvailableForResourceType`), and creating a resource whose global name is
 * held outside the emulator (the type's own name-taken code). The settings behind them are
 * `settings.ts`'s; by default nothing is refused.
 */
import type { Principal } from "../dataplane.js";
import { ArmError, conflict } from "../errors.js";
import type { TypeRegistry } from "../registry.js";
import { parseArmPath, subscriptionOf } from "../resource-path.js";
import type { ResourceStore } from "../store.js";
import { actionOfWrite, permits } from "./permissions.js";
import { isProviderRegistration, subscriptionRouteType } from "./routes.js";
import type { SubscriptionSettings } from "./settings.js";

/** What the guard reads. */
export interface SubscriptionGuardDeps {
  readonly settings: SubscriptionSettings;
  readonly store: ResourceStore;
  readonly registry: TypeRegistry;
}

/** The request as the guard sees it. */
export interface GuardedRequest {
  readonly method: string;
  readonly path: string;
  readonly principal: Principal;
  /** The request body (a PUT's resource, whose `location` a withdrawn resource type refuses). */
  readonly body?: Buffer;
}

/** Throws the {@link ArmError} Azure answers when the request's subscription refuses it. */
export function refuseForSubscription(req: GuardedRequest, deps: SubscriptionGuardDeps): void {
  const subscriptionId = subscriptionOf(req.path);
  if (!subscriptionId) return;
  const tenantId = deps.settings.tenantOf(subscriptionId);
  const tokenTenant = req.principal.tenantId?.toLowerCase();
  if (tokenTenant && tokenTenant !== tenantId) {
    // ARM's wording (learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/invalidauthenticationtokentenant-error).
    throw new ArmError(
      401,
      "InvalidAuthenticationTokenTenant",
      `The access token is from the wrong issuer 'https://sts.windows.net/${tokenTenant}/'. It must match the tenant 'https://sts.windows.net/${tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenantId}' to get the token.`,
    );
  }
  if (req.method === "GET" || req.method === "HEAD") return;
  const registration = isProviderRegistration(req.method, req.path);
  // The other subscription-level POSTs (name availability) only read.
  if (subscriptionRouteType(req.method, req.path) !== undefined && !registration) return;
  const state = deps.settings.stateOf(subscriptionId);
  if (state === "Disabled" || state === "Deleted") {
    throw conflict(
      "ReadOnlyDisabledSubscription",
      `The subscription '${subscriptionId}' is disabled and therefore marked as read only. You cannot perform any write actions on this subscription until it is re-enabled.`,
    );
  }
  const action = actionOfWrite(req.method, req.path);
  if (
    action &&
    deps.settings.restrictsPermissions(subscriptionId) &&
    !permits(deps.settings.permissionsOf(subscriptionId), action)
  ) {
    // A POST acts on the resource before its verb.
    const scope = req.method === "POST" ? req.path.slice(0, req.path.lastIndexOf("/")) : req.path;
    throw new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${req.principal.objectId}' with object id '${req.principal.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  if (registration) return;
  const namespace = namespaceOf(req.path);
  if (namespace && deps.settings.registrationOf(subscriptionId, namespace) !== "Registered") {
    // Azure's code and wording (learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-register-resource-provider).
    throw conflict(
      "MissingSubscriptionRegistration",
      `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`,
    );
  }
  if (req.method !== "PUT") return;
  const target = parseArmPath(req.path, deps.registry);
  if (target?.kind !== "resource") return;
  const spec = deps.registry.get(target.type.toLowerCase());
  const location = locationOf(req.body);
  if (
    location !== undefined &&
    !deps.store.get(target.id) &&
    deps.settings
      .withdrawn("resourceTypes", location, subscriptionId)
      .some((entry) => entry.type.toLowerCase() === target.type.toLowerCase())
  ) {
    // ARM's answer for a region the resource type is not offered in (the provider's locations leave it out).
    throw new ArmError(
      400,
      "LocationNotAvailableForResourceType",
      `The provided location '${location}' is not available for resource type '${target.type}'.`,
    );
  }
  if (
    spec?.globalNameTakenCode &&
    !deps.store.get(target.id) &&
    deps.settings.isNameTaken(target.type, target.name)
  ) {
    throw conflict(
      spec.globalNameTakenCode,
      `The name '${target.name}' is already in use. Names of this resource type are globally unique.`,
    );
  }
}

/** The namespace of the resource type a path writes (after its last `providers`); none for resource groups. */
function namespaceOf(path: string): string | undefined {
  const segments = path.split("/").filter((segment) => segment !== "");
  const providers = segments.map((segment) => segment.toLowerCase()).lastIndexOf("providers");
  return providers < 0 ? undefined : segments[providers + 1];
}

/** The `location` of a JSON body, if it names one. */
function locationOf(body: Buffer | undefined): string | undefined {
  if (!body || body.length === 0) return undefined;
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { location?: unknown };
    return typeof parsed.location === "string" ? parsed.location : undefined;
  } catch {
    return undefined;
  }
}
