/**
 * Provisioner settings that are not part of a spec but shape its plan: who the provisioner is (it is
 * granted the roles it needs to write secrets) and where it connects from (the Key Vault firewall and the
 * AKS API server admit those addresses).
 */
import { parseCidr } from "../spec/cidr";
import { PlanContextError } from "./errors";

/** Settings of the provisioner itself, given to {@link planEnvironment} alongside the spec. */
export interface PlanContext {
  /**
   * Object id of the provisioner's identity (service principal or managed identity). It receives Key
   * Vault Secrets Officer on the vault and Azure Kubernetes Service RBAC Cluster Admin on the cluster.
   */
  readonly provisionerPrincipalId: string;
  /**
   * IPv4 CIDRs (or single addresses) the provisioner connects from. They form the Key Vault firewall's
   * allow-list and are added to the cluster's authorized IP ranges. At least one is required: with none,
   * the provisioner could not write the vault's secrets through its firewall.
   */
  readonly provisionerIpRanges: readonly string[];
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Checks a context and normalises its ranges to CIDRs (`203.0.113.7` ⇒ `203.0.113.7/32`), sorted and
 * without duplicates so the plan does not depend on the order they were configured in.
 * @throws PlanContextError naming the bad setting.
 */
export function normalizePlanContext(context: PlanContext): PlanContext {
  if (!GUID.test(context.provisionerPrincipalId)) {
    throw new PlanContextError(
      `provisionerPrincipalId must be the provisioner's object id (a GUID), got "${context.provisionerPrincipalId}"`,
    );
  }
  if (context.provisionerIpRanges.length === 0) {
    throw new PlanContextError(
      "provisionerIpRanges must list at least one CIDR: the Key Vault firewall admits only those addresses",
    );
  }
  const ranges = context.provisionerIpRanges.map((range) => {
    const cidr = range.includes("/") ? range.trim() : `${range.trim()}/32`;
    if (!parseCidr(cidr).ok)
      throw new PlanContextError(`provisionerIpRanges: "${range}" is not an IPv4 CIDR`);
    return cidr;
  });
  return {
    provisionerPrincipalId: context.provisionerPrincipalId.toLowerCase(),
    provisionerIpRanges: [...new Set(ranges)].sort(),
  };
}
