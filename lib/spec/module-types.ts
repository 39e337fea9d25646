/**
 * How each `type` a spec may carry is treated. Opta specs often list modules this service does not build;
 * the decision (documented in docs/spec.md):
 * - Opta's Azure/Kubernetes add-ons this service does not build (`k8s-service`, `helm-chart`, …) are
 *   **ignored with a warning**: the environment is still useful without them, and refusing would make
 *   every existing Opta environment file fail.
 * - Modules for another cloud (`aws-*`, `gcp-*`, `local-*`) are **errors**: the file was written for
 *   another provider, and building half of it would mislead.
 * - Anything else is an **error** (most likely a typo).
 */
import { quote } from "./quote";
import { MODULE_TYPES, type ModuleType } from "./schema";

/** Opta module types that are skipped with a warning. */
export const IGNORED_OPTA_MODULE_TYPES: readonly string[] = [
  "k8s-service",
  "helm-chart",
  "datadog",
  "custom-terraform",
  "mongodb-atlas",
  "runx",
];

/**
 * Opta's full names of its Azure modules (`azure-base`, …), which its files may use instead of the short
 * ones (its registry's `module_aliases` map each short name to one of these): read as the short name.
 */
export const OPTA_AZURE_TYPE_NAMES: Readonly<Record<string, string>> = {
  "azure-base": "base",
  "azure-aks": "k8s-cluster",
  "azure-postgres": "postgres",
  "azure-redis": "redis",
  "azure-k8s-service": "k8s-service",
  "azure-k8s-base": "k8s-base",
};

/** Prefixes of Opta module types for other clouds. */
export const OTHER_CLOUD_PREFIXES: readonly string[] = ["aws-", "gcp-", "local-"];

/** What a module `type` means to this service. */
export type ModuleTypeVerdict =
  | { readonly kind: "built"; readonly type: ModuleType }
  | { readonly kind: "ignored"; readonly message: string }
  | { readonly kind: "refused"; readonly message: string };

const BUILT_LIST = MODULE_TYPES.join(", ");

/** Classifies a module `type` (see the file comment for the policy); Opta's full names count as short. */
export function classifyModuleType(written: string): ModuleTypeVerdict {
  const type = OPTA_AZURE_TYPE_NAMES[written] ?? written;
  const built = MODULE_TYPES.find((known) => known === type);
  if (built) return { kind: "built", type: built };
  if (IGNORED_OPTA_MODULE_TYPES.includes(type)) {
    return {
      kind: "ignored",
      message: `Opta module type ${quote(written)} is not built by this service and is skipped; it builds ${BUILT_LIST}`,
    };
  }
  const cloud = OTHER_CLOUD_PREFIXES.find((prefix) => type.startsWith(prefix));
  if (cloud) {
    return {
      kind: "refused",
      message: `${quote(type)} is an Opta module for another cloud; this service builds Azure modules: ${BUILT_LIST}`,
    };
  }
  return { kind: "refused", message: `unknown module type ${quote(type)}; use one of ${BUILT_LIST}` };
}
