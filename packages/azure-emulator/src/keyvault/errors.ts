/**
 * Key Vault's error replies: `{ error: { code, message, innererror? } }` with the status codes the
 * service uses, so `SecretClient` surfaces a `RestError` with the same `code` and `statusCode` as Azure's.
 */

const KEY_VAULT_ERROR_BRAND = Symbol.for("azure-env-provisioner.emulator.KeyVaultError");

/** The JSON body of a Key Vault error reply. */
export interface KeyVaultErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly innererror?: { readonly code: string };
  };
}

/** A request the vault refuses; thrown inside the data plane and turned into a reply at its edge. */
export class KeyVaultError extends Error {
  readonly [KEY_VAULT_ERROR_BRAND] = true;

  constructor(
    /** HTTP status of the reply. */
    readonly statusCode: number,
    /** Azure's `error.code`, e.g. `SecretNotFound`. */
    readonly code: string,
    message: string,
    /** Azure's `error.innererror.code`, e.g. `ForbiddenByRbac`. */
    readonly innerCode?: string,
    /** Extra reply headers (the 401 challenge's `WWW-Authenticate`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "KeyVaultError";
  }

  /** The reply body, as Key Vault writes it. */
  toBody(): KeyVaultErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.innerCode === undefined ? {} : { innererror: { code: this.innerCode } }),
      },
    };
  }
}

/** True for a {@link KeyVaultError}, even one from another copy of this module. */
export function isKeyVaultError(value: unknown): value is KeyVaultError {
  return typeof value === "object" && value !== null && KEY_VAULT_ERROR_BRAND in value;
}

/** The errors the data plane raises; messages name secrets, never their values. */
export const keyVaultErrors = {
  /** 401 that starts the SDK's challenge flow: it tells the client where to get a token, and for what. */
  unauthorized: (tenantId: string, detail: string) =>
    new KeyVaultError(401, "Unauthorized", detail, undefined, {
      "WWW-Authenticate": `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="https://vault.azure.net"`,
    }),
  forbiddenByFirewall: (vaultName: string) =>
    new KeyVaultError(
      403,
      "Forbidden",
      `Client address is not authorized and caller is not a trusted service.\r\nVault: ${vaultName}`,
      "ForbiddenByFirewall",
    ),
  forbiddenByRbac: (vaultId: string, objectId: string, action: string) =>
    new KeyVaultError(
      403,
      "Forbidden",
      "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or " +
        "role definitions were changed recently, please observe propagation time.\r\n" +
        `Caller: oid=${objectId}\r\nAction: '${action}'\r\nResource: '${vaultId.toLowerCase()}'`,
      "ForbiddenByRbac",
    ),
  purgeProtected: (name: string) =>
    new KeyVaultError(
      403,
      "Forbidden",
      `Operation "purge" is not allowed for secret ${name} because purge protection is enabled for this vault.`,
    ),
  secretDisabled: (name: string) =>
    new KeyVaultError(
      403,
      "Forbidden",
      `Operation get is not allowed on a disabled secret (${name}).`,
      "SecretDisabled",
    ),
  secretNotFound: (name: string) =>
    new KeyVaultError(
      404,
      "SecretNotFound",
      `A secret with (name/id) ${name} was not found in this key vault.`,
    ),
  versionNotFound: (name: string, version: string) =>
    new KeyVaultError(
      404,
      "SecretNotFound",
      `A secret with (name/id) ${name}/${version} was not found in this key vault.`,
    ),
  certificateNotFound: (nameOrId: string) =>
    new KeyVaultError(
      404,
      "CertificateNotFound",
      `A certificate with (name/id) ${nameOrId} was not found in this key vault.`,
    ),
  deletedSecretNotFound: (name: string) =>
    new KeyVaultError(404, "SecretNotFound", `Deleted Secret not found: ${name}`),
  routeNotFound: (path: string) => new KeyVaultError(404, "NotFound", `No operation is served at ${path}.`),
  methodNotAllowed: (method: string, path: string) =>
    new KeyVaultError(405, "MethodNotAllowed", `The method ${method} is not allowed on ${path}.`),
  /** Setting, recovering or purging a name whose soft delete or recovery is in some phase that forbids it. */
  conflict: (name: string, why: string) => new KeyVaultError(409, "Conflict", `Secret ${name} ${why}.`),
  badParameter: (message: string) => new KeyVaultError(400, "BadParameter", message),
  vaultNotFound: (vaultId: string) =>
    new KeyVaultError(404, "VaultNotFound", `No open vault answers here (${vaultId}).`),
  internal: () => new KeyVaultError(500, "InternalError", "The emulator failed to handle the request."),
} as const;
