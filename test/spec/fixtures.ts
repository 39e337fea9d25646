/** Spec builders shared by the spec, plan and CLI tests. */

/** A subscription and tenant that look real to the validator. */
export const SUBSCRIPTION_ID = "11111111-1111-4111-8111-111111111111";
export const TENANT_ID = "22222222-2222-4222-8222-222222222222";

/** A spec document (plain value) with the given modules, valid apart from what `overrides` break. */
export function specDocument(
  modules: unknown[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: "staging",
    org_name: "acme",
    providers: { azurerm: { location: "eastus2", tenant_id: TENANT_ID, subscription_id: SUBSCRIPTION_ID } },
    modules,
    ...overrides,
  };
}

/** base + k8s-cluster + postgres `db` + redis `cache`: every module type once. */
export function fullSpecDocument(): Record<string, unknown> {
  return specDocument([
    { type: "base" },
    { type: "k8s-cluster" },
    { type: "postgres", name: "db" },
    { type: "redis", name: "cache" },
  ]);
}
