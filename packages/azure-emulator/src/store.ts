/**
 * The generic resource store: every ARM resource of every type, keyed by lower-cased id, plus the Key
 * Vault names reserved by soft delete. Plain data, so the admin state dump and the state file can
 * serialize it as is.
 */
import { idKey } from "./resource-path.js";

/** One ARM resource as the emulator keeps it. */
export interface StoredResource {
  /** Id with ARM's canonical type casing and the caller's name casing. */
  readonly id: string;
  readonly type: string;
  readonly name: string;
  /** Scope the resource lives in: its resource group, subscription, parent resource or any scope. */
  readonly parentId: string;
  /** Caller-owned fields from the last PUT/PATCH: location, tags, sku, kind, zones, identity, properties. */
  body: Record<string, unknown>;
  /** Fields the service owns (AKS fqdn, principalId, vaultUri…), merged over the body in every answer. */
  readOnly: Record<string, unknown>;
  /** Values only actions return (Redis keys); never part of a resource body. */
  readonly secrets: Record<string, string>;
  /** The service's own state, never answered (a private endpoint's IP in its subnet). */
  internal?: Record<string, string>;
  etag: string;
  provisioningState: string;
  readonly createdAtMs: number;
}

/** A soft-deleted Key Vault: its name stays reserved until it is purged or recovered. */
export interface DeletedVault {
  readonly name: string;
  readonly location: string;
  readonly vaultId: string;
  readonly deletionDateMs: number;
  readonly scheduledPurgeDateMs: number;
  readonly purgeProtection: boolean;
  readonly tags: Record<string, unknown>;
  /** The vault as it was, restored on recovery. */
  readonly resource: StoredResource;
}

/** Serializable form of the store. */
export interface StoreSnapshot {
  readonly resources: StoredResource[];
  readonly deletedVaults: DeletedVault[];
}

/** In-memory resources and soft-deleted vaults. */
export class ResourceStore {
  private readonly resources = new Map<string, StoredResource>();
  private readonly deleted = new Map<string, DeletedVault>();

  get(id: string): StoredResource | undefined {
    return this.resources.get(idKey(id));
  }

  put(resource: StoredResource): void {
    this.resources.set(idKey(resource.id), resource);
  }

  remove(id: string): void {
    this.resources.delete(idKey(id));
  }

  /** Every resource, in insertion order. */
  all(): StoredResource[] {
    return [...this.resources.values()];
  }

  /** Resources of `type` whose parent is `parentId` (case-insensitive). */
  children(parentId: string, type?: string): StoredResource[] {
    const parent = idKey(parentId);
    const wanted = type?.toLowerCase();
    return this.all().filter(
      (r) => idKey(r.parentId) === parent && (wanted === undefined || r.type.toLowerCase() === wanted),
    );
  }

  /** Resources of `type` whose id lies under `scopeId` (itself excluded). */
  under(scopeId: string, type?: string): StoredResource[] {
    const prefix = `${idKey(scopeId)}/`;
    const wanted = type?.toLowerCase();
    return this.all().filter(
      (r) => idKey(r.id).startsWith(prefix) && (wanted === undefined || r.type.toLowerCase() === wanted),
    );
  }

  ofType(type: string): StoredResource[] {
    const wanted = type.toLowerCase();
    return this.all().filter((r) => r.type.toLowerCase() === wanted);
  }

  deletedVault(name: string): DeletedVault | undefined {
    return this.deleted.get(name.toLowerCase());
  }

  putDeletedVault(vault: DeletedVault): void {
    this.deleted.set(vault.name.toLowerCase(), vault);
  }

  removeDeletedVault(name: string): void {
    this.deleted.delete(name.toLowerCase());
  }

  deletedVaults(): DeletedVault[] {
    return [...this.deleted.values()];
  }

  snapshot(): StoreSnapshot {
    return { resources: this.all(), deletedVaults: this.deletedVaults() };
  }

  restore(snapshot: StoreSnapshot): void {
    this.clear();
    for (const resource of snapshot.resources) this.put(resource);
    for (const vault of snapshot.deletedVaults) this.putDeletedVault(vault);
  }

  clear(): void {
    this.resources.clear();
    this.deleted.clear();
  }
}
