/**
 * One HTTPS origin per Key Vault (`https://127.0.0.1:<port>/`), as the SecretClient needs a bare origin
 * per vault. Opened on create or recover, closed on soft delete; a reopened vault asks for its previous
 * port so its `vaultUri` stays the same where possible.
 */
import type { KeyVaultDataPlane } from "./dataplane.js";
import { listenHttps, type HttpsListener } from "./listener.js";
import { instrument, type PipelineDeps } from "./pipeline.js";
import { idKey } from "./resource-path.js";
import type { StoredResource } from "./store.js";
import type { TlsMaterial } from "./tls.js";
import { vaultInfoOf } from "./types/keyvault.js";

/** The resource type Key Vault data-plane requests are counted and matched under. */
export const KEY_VAULT_DATA_PLANE_TYPE = "Microsoft.KeyVault/vaults/secrets";

export class VaultOrigins {
  private readonly listeners = new Map<string, HttpsListener>();
  /** Last port of each vault, kept across close so a recovered vault gets its URI back. */
  private readonly lastPorts = new Map<string, number>();

  constructor(
    private readonly tls: TlsMaterial,
    private readonly plane: () => KeyVaultDataPlane,
    private readonly pipeline: PipelineDeps,
    /** Runs before each data-plane request (settles finished ARM operations). */
    private readonly beforeRequest: () => Promise<void>,
  ) {}

  /** Opens (or keeps) the vault's origin and its data plane; resolves to the vault URI. */
  async open(vault: StoredResource): Promise<string> {
    const key = idKey(vault.id);
    this.plane().open(vaultInfoOf(vault));
    let listener = this.listeners.get(key);
    if (!listener) {
      const handler = instrument(
        this.pipeline,
        () => ({ category: "keyvault", resourceType: KEY_VAULT_DATA_PLANE_TYPE }),
        async (req, res, facts) => {
          await this.beforeRequest();
          await this.plane().handle(vault.id)(req, res, facts.url, facts.body);
        },
      );
      listener = await listenHttps(this.tls, this.lastPorts.get(key) ?? 0, handler, true);
      this.listeners.set(key, listener);
      this.lastPorts.set(key, listener.port);
    }
    return `${listener.origin}/`;
  }

  /** Closes the vault's origin; the data plane keeps its secrets for recovery. */
  async close(vaultId: string): Promise<void> {
    this.plane().close(vaultId);
    const listener = this.listeners.get(idKey(vaultId));
    this.listeners.delete(idKey(vaultId));
    await listener?.close();
  }

  /** Known ports by vault id, for the state file. */
  ports(): Record<string, number> {
    return Object.fromEntries(this.lastPorts);
  }

  rememberPorts(ports: Record<string, number>): void {
    for (const [key, port] of Object.entries(ports)) this.lastPorts.set(key, port);
  }

  async closeAll(): Promise<void> {
    const listeners = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(listeners.map((l) => l.close()));
  }
}
