/** The emulator's Kubernetes API (namespaces and secrets, with discovery for kubectl). */
export { createKubernetesApi, redactKubernetesState } from "./api-server";
export type { KubernetesApiState } from "./api-server";
export { AKS_RBAC_ROLES } from "./access";
export { isKubernetesStatusError, KubernetesStatusError } from "./status";
