/**
 * @azure-env-provisioner/azure-emulator: a local Azure (ARM resource providers, Key Vault data plane,
 * Kubernetes API, App Service managed-identity endpoint). Start it in-process with {@link startEmulator},
 * or run the command (`main.js`; `npm run emulator` at the repository root). This entry is the package's
 * whole public surface: code outside the package imports nothing else.
 */
export { startEmulator, KUBERNETES_PREFIX, DEFAULT_ROLE_PROPAGATION_SEC } from "./emulator.js";
export type { RunningEmulator, RunningEntra, StartEmulatorOptions } from "./emulator.js";
export type {
  EntraOptions,
  EntraTenantOptions,
  EntraApiOptions,
  EntraClientOptions,
  EntraUserOptions,
  EntraGrants,
} from "./entra/directory.js";
export { GROUP_OVERAGE_LIMIT } from "./entra/tokens.js";
export type { EmulatorAdmin } from "./admin.js";
export { ADMIN_PREFIX } from "./admin.js";
export type { FaultRule, FaultEffect } from "./faults.js";
export type { RequestCounters, RequestLogEntry } from "./metrics.js";
export { ArmError, isArmError } from "./errors.js";
export {
  EmulatorCredential,
  DEFAULT_EMULATOR_PRINCIPAL_ID,
  DEFAULT_EMULATOR_TENANT_ID,
  readTokenClaims,
  type EmulatorCredentialOptions,
  type EmulatorTokenClaims,
} from "./credential.js";
export { IDENTITY_API_VERSION, type ManagedIdentityOptions } from "./managed-identity.js";
/** ARM's request limits as the emulator enforces them (per subscription and principal). */
export { ARM_LIMITS, type BucketLimit } from "./throttle.js";
/** A private CA and a certificate for 127.0.0.1 and localhost, as the emulator's listeners use. */
export { ensureTlsMaterial, type TlsMaterial } from "./tls.js";
/** Throwaway TLS certificates (self-signed, CA-signed, expired; PEM or PFX) for tests of certificate uploads. */
export {
  createTestCertificate,
  type TestCertificate,
  type TestCertificateOptions,
} from "./test-certificates.js";
