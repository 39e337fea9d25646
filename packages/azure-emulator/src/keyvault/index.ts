/** The emulator's Key Vault data plane (secrets). */
export { createKeyVaultDataPlane, redactKeyVaultState } from "./data-plane";
export type { KeyVaultDataPlaneState } from "./data-plane";
export { KEY_VAULT_ROLES } from "./access";
export { isKeyVaultError, KeyVaultError } from "./errors";
