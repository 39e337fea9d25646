/** The local Azure emulator: start it in-process, or run `npm run emulator`. */
export { startEmulator, KUBERNETES_PREFIX } from "./emulator.js";
export type { RunningEmulator, StartEmulatorOptions } from "./emulator.js";
export type { EmulatorAdmin } from "./admin.js";
export { ADMIN_PREFIX } from "./admin.js";
export type { FaultRule, FaultEffect } from "./faults.js";
export type { RequestCounters, RequestLogEntry } from "./metrics.js";
export { ArmError, isArmError } from "./errors.js";
export { EmulatorCredential } from "./credential.js";
export type { ManagedIdentityOptions } from "./managed-identity.js";
