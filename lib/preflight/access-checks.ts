/**
 * Who may build where: the spec's tenant is the credential's, the subscription is reachable and enabled,
 * the identity holds every action the plan needs there, and every resource provider the plan writes to is
 * registered (registered by preflight itself when the identity may).
 */
import { isAzureError } from "../azure/errors";
import { ARM_TYPE_BY_KIND } from "../plan/kinds";
import { pathOf, providerNamespacesOf, type PreflightContext } from "./context";
import { isActionPermitted, missingActions, type PermissionEntry } from "./rbac";

const TENANT_PATH = "providers.azurerm.tenant_id";
const SUBSCRIPTION_PATH = "providers.azurerm.subscription_id";
/** Actions listed in one message at most; the rest are counted. */
const MAX_LISTED_ACTIONS = 12;

/** The spec's tenant is the one the credential's tokens come from (Key Vault refuses any other: `AKV10032`). */
export async function checkTenant(context: PreflightContext): Promise<void> {
  const { findings, spec } = context;
  await findings.guard("tenant", TENANT_PATH, "the provisioner's own tenant", async () => {
    const tenant = await context.reads.credentialTenant();
    const wanted = spec.providers.azurerm.tenant_id.toLowerCase();
    if (tenant === undefined) {
      findings.warn(
        "tenant",
        "TenantUnverified",
        TENANT_PATH,
        "the credential's token names no tenant: not checked",
      );
    } else if (tenant !== wanted) {
      findings.refuse(
        "tenant",
        "TenantMismatch",
        TENANT_PATH,
        `the provisioner's identity belongs to tenant ${tenant}, not ${spec.providers.azurerm.tenant_id}: Key Vault and AKS would refuse its tokens mid-build (AKV10032 "Invalid issuer"); write tenant_id: ${tenant}, or use a provisioner of that tenant`,
      );
    }
  });
}

/**
 * The subscription answers, belongs to the spec's tenant and accepts writes.
 * @returns false when it cannot be reached at all: every other check would fail the same way
 */
export async function checkSubscription(context: PreflightContext): Promise<boolean> {
  const { findings, spec } = context;
  const id = spec.providers.azurerm.subscription_id;
  let reachable = true;
  try {
    const subscription = await context.reads.subscription();
    // A subscription the credential can read is in the credential's tenant (ARM refuses tokens of any
    // other: InvalidAuthenticationTokenTenant), so checkTenant already covers the spec's tenant.
    const state = subscription.state ?? "Enabled";
    if (state === "Warned" || state === "PastDue") {
      findings.warn(
        "subscription",
        `Subscription${state}`,
        SUBSCRIPTION_PATH,
        `subscription ${id} is ${state}: it still accepts writes, but Azure disables it unless its billing is settled`,
      );
    } else if (state !== "Enabled") {
      findings.refuse(
        "subscription",
        "SubscriptionNotEnabled",
        SUBSCRIPTION_PATH,
        `subscription ${id} is ${state}: Azure accepts no write in it (ReadOnlyDisabledSubscription); re-enable it or name another`,
      );
    }
  } catch (error) {
    if (!isAzureError(error)) throw error;
    if (error.retryable) {
      reachable = false;
      await findings.guard("subscription", SUBSCRIPTION_PATH, `subscription ${id}`, () =>
        Promise.reject(error),
      );
    } else if (error.code === "InvalidAuthenticationTokenTenant") {
      reachable = false;
      findings.refuse(
        "subscription",
        error.code,
        SUBSCRIPTION_PATH,
        `subscription ${id} belongs to another tenant than the provisioner's identity, whose tokens ARM refuses there (${error.code}); name a subscription of its tenant`,
      );
    } else {
      reachable = false;
      findings.refuse(
        "subscription",
        error.code,
        SUBSCRIPTION_PATH,
        `subscription ${id} cannot be read by the provisioner's identity (${error.code}: ${error.azureMessage}): it does not exist, or the identity has no role there (docs/deploy.md)`,
      );
    }
  }
  return reachable;
}

/**
 * The identity holds every action the plan needs (`requiredActions`: activities/permissions.ts's
 * collection for the plan), read at the resource group when it exists, else at the subscription.
 * @returns the permissions read, for the providers check; `undefined` when they could not be listed
 */
export async function checkPermissions(
  context: PreflightContext,
  requiredActions: readonly string[],
  resourceGroupExists: boolean,
): Promise<PermissionEntry[] | undefined> {
  const { findings, plan } = context;
  let permissions: PermissionEntry[] | undefined;
  await findings.guard("permissions", "", "the provisioner's permissions", async () => {
    permissions = await context.reads.permissions(resourceGroupExists ? plan.resourceGroup : undefined);
    if (permissions === undefined) {
      findings.warn(
        "permissions",
        "PermissionsUnverified",
        "",
        `Azure did not list the provisioner's permissions at subscription ${plan.subscriptionId}: not checked; a missing one fails the build at its first use (AuthorizationFailed)`,
      );
      return;
    }
    const missing = missingActions(permissions, requiredActions);
    if (missing.length > 0) {
      const listed = missing.slice(0, MAX_LISTED_ACTIONS).join(", ");
      const more =
        missing.length > MAX_LISTED_ACTIONS ? ` and ${missing.length - MAX_LISTED_ACTIONS} more` : "";
      findings.refuse(
        "permissions",
        "PermissionsMissing",
        "",
        `the provisioner's identity may not perform ${missing.length} action${missing.length === 1 ? "" : "s"} this environment needs in subscription ${plan.subscriptionId}: ${listed}${more}; assign it the role envctl permissions prints (docs/deploy.md#least-privilege)`,
      );
    }
  });
  return permissions;
}

/**
 * Every provider the plan writes to is registered in the subscription. An unregistered one is registered
 * when the identity may (`{namespace}/register/action`) and reported as registering — the spec is deferred,
 * not refused; otherwise it is a problem naming the command that registers it.
 */
export async function checkProviders(
  context: PreflightContext,
  permissions: readonly PermissionEntry[] | undefined,
): Promise<void> {
  const { findings, plan, reads } = context;
  await Promise.all(
    providerNamespacesOf(plan).map(async (namespace) => {
      const user = plan.nodes.find((node) => ARM_TYPE_BY_KIND[node.kind].startsWith(`${namespace}/`))!;
      const path = pathOf(context, user);
      await findings.guard("providers", path, `the registration of ${namespace}`, async () => {
        let state = await reads.providerState(namespace);
        if (state === "NotRegistered" || state === "Unregistered") {
          if (!permissions || !isActionPermitted(permissions, `${namespace}/register/action`)) {
            findings.refuse(
              "providers",
              "ProviderNotRegistered",
              path,
              `resource provider ${namespace} is not registered in subscription ${plan.subscriptionId}, and the provisioner may not register it: run az provider register --namespace ${namespace} --subscription ${plan.subscriptionId} once`,
            );
            return;
          }
          state = await reads.registerProvider(namespace);
        }
        if (state !== "Registered") {
          findings.defer(
            "providers",
            "ProviderRegistering",
            path,
            `resource provider ${namespace} is ${state === "Registering" ? "registering" : state} in subscription ${plan.subscriptionId}; nothing was written: send the spec again once it is registered (a few minutes)`,
            30,
          );
        }
      });
    }),
  );
}
