/**
 * Specs and probes shared by the preflight tests of the API and the queue: specs in the examples'
 * subscription, the global names their plans give, and the ARM writes an environment caused.
 */
import type { RunningEmulator } from "@azure-env-provisioner/azure-emulator";
import { planEnvironment } from "../../lib/plan";
import type { Plan } from "../../lib/plan/types";
import { validateSpec } from "../../lib/spec/validate";
import { writesAmong } from "../preflight/arm-writes";
import { EXAMPLE_SUBSCRIPTION_ID } from "./app-stack";

/** The emulator identity's tenant, the examples' tenant. */
export const TENANT_ID = "00000000-0000-0000-0000-000000000001";

/** A spec document in the examples' subscription. */
export function specDocument(
  name: string,
  modules: readonly Record<string, unknown>[],
  options: { location?: string; tenantId?: string } = {},
) {
  return {
    name,
    org_name: "acme",
    providers: {
      azurerm: {
        location: options.location ?? "eastus2",
        tenant_id: options.tenantId ?? TENANT_ID,
        subscription_id: EXAMPLE_SUBSCRIPTION_ID,
      },
    },
    modules,
  };
}

/** Every module the service builds, as in examples/staging.yaml. */
export const ALL_MODULES = [
  { type: "base" },
  { type: "k8s-cluster", max_nodes: 6 },
  { type: "postgres", name: "db" },
  { type: "redis", name: "cache" },
];

/** The plan the app makes of `document` (names do not depend on the provisioner's principal). */
export function planOf(document: unknown): Plan {
  const validation = validateSpec(document);
  if (!validation.ok) throw new Error(JSON.stringify(validation.problems));
  return planEnvironment(validation.spec, {
    provisionerPrincipalId: "00000000-0000-0000-0000-00000000a11c",
    provisionerIpRanges: ["127.0.0.1/32"],
  });
}

/** The name of the plan's node of `kind`. */
export function nameOf(plan: Plan, kind: Plan["nodes"][number]["kind"]): string {
  const node = plan.nodes.find((candidate) => candidate.kind === kind);
  if (!node) throw new Error(`no ${kind} in ${plan.environmentId}`);
  return node.name;
}

/**
 * ARM writes since `sinceMs` that concern the environment: anything under its resource group, and any
 * subscription-level write (a provider registration). Other environments' builds write only in theirs.
 */
export function writesFor(emulator: RunningEmulator, plan: Plan, sinceMs: number): string[] {
  const group = `/resourcegroups/${plan.resourceGroup.toLowerCase()}`;
  return writesAmong(emulator.admin.requestLog().filter((entry) => entry.atMs >= sinceMs)).filter((write) => {
    const path = write.toLowerCase();
    return path.includes(group) || !path.includes("/resourcegroups/");
  });
}
