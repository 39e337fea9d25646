/**
 * The Key Vault data plane: one secret store and one certificate store per vault, reached through the origin the ARM core gives
 * each vault. Each request goes through the same gates as on Azure, in Azure's order: token (401
 * challenge), firewall, route, RBAC, and only then the body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DataPlaneContext, DataPlaneHandler, KeyVaultDataPlane, VaultInfo } from "../dataplane";
import { authenticateCaller, checkFirewall, checkRbac } from "./access";
import { isKeyVaultError, keyVaultErrors } from "./errors";
import type { OperationReply } from "./operations";
import { findOperation } from "./operations";
import type { CertificateStoreState } from "./certificate-store";
import { VaultCertificateStore } from "./certificate-store";
import type { SecretStoreState } from "./secret-store";
import { VaultSecretStore } from "./secret-store";

/** The data plane's serializable state: every vault it knows, open or soft-deleted, with its secrets. */
export interface KeyVaultDataPlaneState {
  readonly vaults: readonly {
    readonly info: VaultInfo;
    readonly isOpen: boolean;
    readonly secrets: SecretStoreState;
    /** Absent in state files saved before certificates were served. */
    readonly certificates?: CertificateStoreState;
  }[];
}

interface VaultEntry {
  info: VaultInfo;
  isOpen: boolean;
  readonly store: VaultSecretStore;
  readonly certificates: VaultCertificateStore;
}

/** The Key Vault service version this data plane speaks, reported in `x-ms-keyvault-service-version`. */
const SERVICE_VERSION = "1.9.0.0";

/**
 * Builds the Key Vault data plane on the core's context. Vault ids are matched case-insensitively,
 * like ARM ids. `snapshot()` holds secret values (it is the store a state file keeps); show it to people
 * only through {@link redactKeyVaultState}.
 */
export function createKeyVaultDataPlane(ctx: DataPlaneContext): KeyVaultDataPlane {
  const vaults = new Map<string, VaultEntry>();

  const newEntry = (info: VaultInfo, isOpen: boolean): VaultEntry => {
    const entry: VaultEntry = {
      info,
      isOpen,
      store: new VaultSecretStore({
        now: () => ctx.now(),
        timeScale: () => ctx.timeScale(),
        softDeleteRetentionInDays: () => entry.info.softDeleteRetentionInDays,
        purgeProtection: () => entry.info.purgeProtection,
      }),
      certificates: new VaultCertificateStore(() => ctx.now()),
    };
    return entry;
  };

  const dispatch = (vaultId: string, req: IncomingMessage, url: URL, body: Buffer): OperationReply => {
    const entry = vaults.get(vaultId.toLowerCase());
    if (!entry || !entry.isOpen) throw keyVaultErrors.vaultNotFound(vaultId);
    const vault = entry.info;
    const principal = authenticateCaller(ctx, vault, req.headers.authorization);
    checkFirewall(ctx, vault);
    const { operation, params } = findOperation(req.method ?? "GET", url.pathname);
    checkRbac(ctx, vault, principal, operation.access, operation.action);
    if (!url.searchParams.get("api-version")) {
      throw keyVaultErrors.badParameter("The 'api-version' query parameter is missing.");
    }
    return operation.run({
      store: entry.store,
      certificates: entry.certificates,
      settings: vault,
      origin: originOf(req),
      url,
      body,
      params,
    });
  };

  return {
    open(vault) {
      const existing = vaults.get(vault.id.toLowerCase());
      if (existing) {
        existing.info = vault;
        existing.isOpen = true;
      } else {
        vaults.set(vault.id.toLowerCase(), newEntry(vault, true));
      }
    },
    close(vaultId) {
      const entry = vaults.get(vaultId.toLowerCase());
      if (entry) entry.isOpen = false;
    },
    purge(vaultId) {
      vaults.delete(vaultId.toLowerCase());
    },
    handle(vaultId): DataPlaneHandler {
      return (req, res, url, body) => {
        try {
          writeReply(res, dispatch(vaultId, req, url, body));
        } catch (error) {
          // Unexpected failures get a generic message: whatever threw may have held a secret value.
          const refusal = isKeyVaultError(error) ? error : keyVaultErrors.internal();
          writeReply(res, { status: refusal.statusCode, body: refusal.toBody() }, refusal.headers);
        }
      };
    },
    snapshot(): KeyVaultDataPlaneState {
      return {
        vaults: [...vaults.values()].map((entry) => ({
          info: entry.info,
          isOpen: entry.isOpen,
          secrets: entry.store.toState(),
          certificates: entry.certificates.toState(),
        })),
      };
    },
    restore(state) {
      vaults.clear();
      for (const saved of readState(state).vaults) {
        const entry = newEntry(saved.info, saved.isOpen);
        entry.store.loadState(saved.secrets);
        entry.certificates.loadState(saved.certificates);
        vaults.set(saved.info.id.toLowerCase(), entry);
      }
    },
    reset() {
      vaults.clear();
    },
  };
}

/** A copy of a snapshot with every secret value replaced, for admin dumps and logs. */
export function redactKeyVaultState(state: KeyVaultDataPlaneState): KeyVaultDataPlaneState {
  return {
    vaults: state.vaults.map((vault) => ({
      ...vault,
      secrets: {
        secrets: vault.secrets.secrets.map((record) => ({
          ...record,
          versions: record.versions.map((version) => ({ ...version, value: "<redacted>" })),
        })),
      },
    })),
  };
}

/** A snapshot, or no vaults for a state file saved without this plane's part (`undefined`). */
/** A snapshot, or no vaults for a state file saved without this plane's part (`undefined`). */
function readState(state: unknown): KeyVaultDataPlaneState {
  if (state === undefined || state === null) return { vaults: [] };
  if (typeof state === "object" && state !== null && Array.isArray((state as { vaults?: unknown }).vaults)) {
    return state as KeyVaultDataPlaneState;
  }
  throw new TypeError("not a Key Vault data plane snapshot: expected { vaults: [...] }");
}

/** `https://<Host header>`: Key Vault ids carry the host the client called, port included. */
function originOf(req: IncomingMessage): string {
  return `https://${req.headers.host ?? "127.0.0.1"}`;
}

function writeReply(
  res: ServerResponse,
  reply: OperationReply,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.statusCode = reply.status;
  res.setHeader("x-ms-keyvault-service-version", SERVICE_VERSION);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.end();
    return;
  }
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(reply.body));
}
