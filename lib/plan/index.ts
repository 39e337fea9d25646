export { planEnvironment } from "./plan";
export { normalizePlanContext, type PlanContext } from "./context";
export { summarizePlan, STAGES, type PlanSummary, type StageSummary } from "./summary";
export { writeBucketConcurrency } from "./batch-concurrency";
export {
  topologicalOrder,
  criticalPath,
  earliestSchedule,
  type GraphNode,
  type CriticalPath,
  type ScheduledNode,
} from "./graph";
export { canonicalJson, canonicalHash } from "./canonical-json";
export { PlanContextError, PlanGraphError, isPlanContextError, isPlanGraphError } from "./errors";
export { ARM_TYPE_BY_KIND, IMMUTABLE_PATHS_BY_KIND } from "./kinds";
export { OPTA_SECRET_FACTS, optaSecretKey, keyVaultSecretName, adminPasswordSecretFor } from "./secrets";
export { postgresAdminLogin, POSTGRES_TLS_CONFIGURATIONS } from "./data";
export { KEY_VAULT_SECRETS_OFFICER_ROLE_ID } from "./network";
export { AKS_RBAC_CLUSTER_ADMIN_ROLE_ID } from "./cluster";
export {
  KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  NETWORK_CONTRIBUTOR_ROLE_ID,
} from "./ingress";
export type * from "./types";
