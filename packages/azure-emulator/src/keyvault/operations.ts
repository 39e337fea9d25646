/**
 * The secret operations of the Key Vault REST API, as one table: method, path pattern, the access an
 * operation needs, the RBAC data action Azure names in its 403, and what it does with the store.
 */
import type { SecretAccess } from "./access";
import { keyVaultErrors } from "./errors";
import { CERTIFICATE_OPERATIONS } from "./certificate-operations";
import type { VaultCertificateStore } from "./certificate-store";
import type { VaultSecretStore } from "./secret-store";
import { latestOf } from "./secret-store";
import type { RecoverySettings } from "./wire";
import {
  deletedFields,
  deletedSecretBundle,
  pageOf,
  parseSetSecretBody,
  parseUpdateSecretBody,
  secretBundle,
  secretItem,
} from "./wire";

/** What an operation works on. */
export interface OperationInput {
  readonly store: VaultSecretStore;
  /** The vault's certificates (their keys are in `store`, as their backing secrets). */
  readonly certificates: VaultCertificateStore;
  readonly settings: RecoverySettings;
  /** `https://<host>`: ids and links are built on the origin the client called. */
  readonly origin: string;
  readonly url: URL;
  readonly body: Buffer;
  /** Decoded path parameters (secret name, version). */
  readonly params: readonly string[];
}

/** A successful reply: status and JSON body (none for 204). */
export interface OperationReply {
  readonly status: number;
  readonly body?: unknown;
}

/** One row of the operation table. */
export interface SecretOperation {
  readonly method: string;
  readonly pattern: RegExp;
  readonly access: SecretAccess;
  /** The data action Azure RBAC checks, named in 403 messages. */
  readonly action: string;
  run(input: OperationInput): OperationReply;
}

const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** The secret name parameter, validated as Key Vault does (letters, digits, dashes; 1–127). */
function nameParam(input: OperationInput): string {
  const name = input.params[0] ?? "";
  if (!SECRET_NAME.test(name)) {
    throw keyVaultErrors.badParameter(
      "The request URI contains an invalid name: secret names are 1-127 letters, digits and dashes.",
    );
  }
  return name;
}

const versionParam = (input: OperationInput): string | undefined => input.params[1] || undefined;

const ACTION = "Microsoft.KeyVault/vaults";

/** Every operation the data plane serves; the first row whose method and pattern match wins. */
export const SECRET_OPERATIONS: readonly SecretOperation[] = [
  {
    method: "GET",
    pattern: /^\/secrets\/?$/i,
    access: "read",
    action: `${ACTION}/secrets/readMetadata/action`,
    run: (input) => {
      const items = input.store
        .listActive()
        .map((record) => secretItem(input.origin, record, latestOf(record), input.settings, false));
      return { status: 200, body: pageOf(items, input.url, input.origin) };
    },
  },
  {
    method: "GET",
    pattern: /^\/secrets\/([^/]+)\/versions\/?$/i,
    access: "read",
    action: `${ACTION}/secrets/readMetadata/action`,
    run: (input) => {
      const found = input.store.listVersions(nameParam(input));
      const items = found
        ? found.versions.map((version) =>
            secretItem(input.origin, found.record, version, input.settings, true),
          )
        : [];
      return { status: 200, body: pageOf(items, input.url, input.origin) };
    },
  },
  {
    method: "GET",
    pattern: /^\/secrets\/([^/]+)(?:\/([^/]*))?\/?$/i,
    access: "read",
    action: `${ACTION}/secrets/getSecret/action`,
    run: (input) => {
      const { record, version } = input.store.get(nameParam(input), versionParam(input));
      if (!version.enabled) throw keyVaultErrors.secretDisabled(record.name);
      return {
        status: 200,
        body: secretBundle(input.origin, record, version, input.settings, { withValue: true }),
      };
    },
  },
  {
    method: "PUT",
    pattern: /^\/secrets\/([^/]+)\/?$/i,
    access: "manage",
    action: `${ACTION}/secrets/setSecret/action`,
    run: (input) => {
      const name = nameParam(input);
      const { record, version } = input.store.set(name, parseSetSecretBody(input.body));
      return {
        status: 200,
        body: secretBundle(input.origin, record, version, input.settings, { withValue: true }),
      };
    },
  },
  {
    method: "PATCH",
    pattern: /^\/secrets\/([^/]+)(?:\/([^/]*))?\/?$/i,
    access: "manage",
    action: `${ACTION}/secrets/write`,
    run: (input) => {
      const name = nameParam(input);
      const { record, version } = input.store.update(
        name,
        versionParam(input),
        parseUpdateSecretBody(input.body),
      );
      return {
        status: 200,
        body: secretBundle(input.origin, record, version, input.settings, { withValue: false }),
      };
    },
  },
  {
    method: "DELETE",
    pattern: /^\/secrets\/([^/]+)\/?$/i,
    access: "manage",
    action: `${ACTION}/secrets/delete`,
    run: (input) => {
      const record = input.store.delete(nameParam(input));
      return { status: 200, body: deletedSecretBundle(input.origin, record, input.settings) };
    },
  },
  {
    method: "GET",
    pattern: /^\/deletedsecrets\/?$/i,
    access: "manage",
    action: `${ACTION}/deletedSecrets/read`,
    run: (input) => {
      const items = input.store.listDeleted().map((record) => ({
        ...secretItem(input.origin, record, latestOf(record), input.settings, false),
        ...deletedFields(input.origin, record),
      }));
      return { status: 200, body: pageOf(items, input.url, input.origin) };
    },
  },
  {
    method: "GET",
    pattern: /^\/deletedsecrets\/([^/]+)\/?$/i,
    access: "manage",
    action: `${ACTION}/deletedSecrets/read`,
    run: (input) => ({
      status: 200,
      body: deletedSecretBundle(input.origin, input.store.getDeleted(nameParam(input)), input.settings),
    }),
  },
  {
    method: "DELETE",
    pattern: /^\/deletedsecrets\/([^/]+)\/?$/i,
    access: "manage",
    action: `${ACTION}/deletedSecrets/delete`,
    run: (input) => {
      input.store.purge(nameParam(input));
      return { status: 204 };
    },
  },
  {
    method: "POST",
    pattern: /^\/deletedsecrets\/([^/]+)\/recover\/?$/i,
    access: "manage",
    action: `${ACTION}/deletedSecrets/recover/action`,
    run: (input) => {
      const record = input.store.recover(nameParam(input));
      return {
        status: 200,
        body: secretBundle(input.origin, record, latestOf(record), input.settings, { withValue: false }),
      };
    },
  },
];

/** The operation for a request and its decoded path parameters; 404/405 when none serves it. */
export function findOperation(
  method: string,
  path: string,
): { operation: SecretOperation; params: string[] } {
  let pathMatched = false;
  for (const operation of [...SECRET_OPERATIONS, ...CERTIFICATE_OPERATIONS]) {
    const match = operation.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (operation.method !== method) continue;
    return { operation, params: match.slice(1).map((part) => decodeURIComponent(part ?? "")) };
  }
  throw pathMatched ? keyVaultErrors.methodNotAllowed(method, path) : keyVaultErrors.routeNotFound(path);
}
