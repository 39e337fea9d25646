/**
 * One vault's secrets and their soft-delete lifecycle, independent of HTTP. Names are case-insensitive,
 * as in Key Vault (the first spelling is kept); every write adds a version.
 */
import { randomUUID } from "node:crypto";
import { keyVaultErrors } from "./errors";

/** One version of a secret. Times are epoch seconds, as Key Vault's attributes carry them. */
export interface SecretVersion {
  /** 32 lowercase hex characters, like Key Vault's version ids. */
  readonly version: string;
  readonly value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  notBeforeSec?: number;
  expiresSec?: number;
  readonly createdSec: number;
  updatedSec: number;
  /** The backing secret of a certificate (Key Vault answers `managed: true` and the key's `kid`). */
  readonly managed?: boolean;
  readonly kid?: string;
}

/**
 * Where a secret is in its life. A delete is not visible under `/deletedsecrets` until `visibleAtMs`
 * (the SDK's delete poller relies on that 404 phase); a recovery is not readable until `activeAtMs`.
 */
export type SecretLifecycle =
  | { readonly phase: "active" }
  | {
      readonly phase: "deleted";
      readonly deletedAtMs: number;
      readonly visibleAtMs: number;
      /** When the (scaled) retention period ends and the secret is purged on its own. */
      readonly purgeAtMs: number;
      /** The real-time date Azure would report as `scheduledPurgeDate`. */
      readonly scheduledPurgeAtMs: number;
    }
  | { readonly phase: "recovering"; readonly activeAtMs: number };

/** A secret: its versions (oldest first) and lifecycle. */
export interface SecretRecord {
  readonly name: string;
  readonly versions: SecretVersion[];
  lifecycle: SecretLifecycle;
}

/** What a caller may set on a new version. */
export interface SecretInput {
  readonly value: string;
  readonly contentType?: string;
  readonly tags?: Record<string, string>;
  readonly enabled?: boolean;
  readonly notBeforeSec?: number;
  readonly expiresSec?: number;
  /** A certificate import names the version (its certificate's) and marks the secret managed. */
  readonly version?: string;
  readonly managed?: boolean;
  readonly kid?: string;
}

/** What a caller may change on an existing version. */
export type SecretPropertiesUpdate = Omit<SecretInput, "value" | "version" | "managed" | "kid">;

/** Clock and vault settings the store reads on every operation (the vault may change while open). */
export interface SecretStoreEnvironment {
  /** Epoch milliseconds. */
  now(): number;
  /** Multiplier applied to Azure's real durations. */
  timeScale(): number;
  /** Days a deleted secret stays recoverable (7–90). */
  softDeleteRetentionInDays(): number;
  purgeProtection(): boolean;
}

/**
 * How long Azure takes, unscaled, before a deleted secret shows under `/deletedsecrets` and before a
 * recovered one answers again: a few seconds in practice.
 */
export const SOFT_DELETE_SETTLE_MS = 2_000;
const DAY_MS = 86_400_000;

/** The serializable form of a store, for state files. */
export interface SecretStoreState {
  readonly secrets: readonly SecretRecord[];
}

/** One vault's secret store. */
export class VaultSecretStore {
  private readonly secrets = new Map<string, SecretRecord>();

  constructor(private readonly env: SecretStoreEnvironment) {}

  /** Adds a version (creating the secret when new). Refused while the name is deleted or recovering. */
  set(name: string, input: SecretInput): { record: SecretRecord; version: SecretVersion } {
    const existing = this.lookup(name);
    if (existing && existing.lifecycle.phase === "deleted") {
      throw keyVaultErrors.conflict(
        existing.name,
        "is currently in a deleted but recoverable state, and its name cannot be reused; in this state, " +
          "the secret can only be recovered or purged",
      );
    }
    if (existing && existing.lifecycle.phase === "recovering") {
      throw keyVaultErrors.conflict(existing.name, "is currently being recovered");
    }
    const nowSec = this.nowSec();
    const version: SecretVersion = {
      version: input.version ?? randomUUID().replace(/-/g, ""),
      ...(input.managed ? { managed: true, ...(input.kid ? { kid: input.kid } : {}) } : {}),
      value: input.value,
      contentType: input.contentType,
      tags: input.tags,
      enabled: input.enabled ?? true,
      notBeforeSec: input.notBeforeSec,
      expiresSec: input.expiresSec,
      createdSec: nowSec,
      updatedSec: nowSec,
    };
    const record = existing ?? { name, versions: [], lifecycle: { phase: "active" as const } };
    record.versions.push(version);
    this.secrets.set(name.toLowerCase(), record);
    return { record, version };
  }

  /** A version of an active secret; `version` empty or absent means the latest. */
  get(name: string, version?: string): { record: SecretRecord; version: SecretVersion } {
    const record = this.active(name);
    if (!version) return { record, version: latestOf(record) };
    const found = record.versions.find((candidate) => candidate.version === version.toLowerCase());
    if (!found) throw keyVaultErrors.versionNotFound(record.name, version);
    return { record, version: found };
  }

  /** Changes attributes, content type or tags of one version (the latest when `version` is empty). */
  update(
    name: string,
    version: string | undefined,
    update: SecretPropertiesUpdate,
  ): { record: SecretRecord; version: SecretVersion } {
    const found = this.get(name, version);
    const target = found.version;
    if (update.contentType !== undefined) target.contentType = update.contentType;
    if (update.tags !== undefined) target.tags = update.tags;
    if (update.enabled !== undefined) target.enabled = update.enabled;
    if (update.notBeforeSec !== undefined) target.notBeforeSec = update.notBeforeSec;
    if (update.expiresSec !== undefined) target.expiresSec = update.expiresSec;
    target.updatedSec = this.nowSec();
    return found;
  }

  /** Active secrets, ordered by name. */
  listActive(): SecretRecord[] {
    return this.sorted().filter((record) => record.lifecycle.phase === "active");
  }

  /** Versions of an active secret, oldest first; empty for an unknown name, as Key Vault answers. */
  listVersions(name: string): { record: SecretRecord; versions: readonly SecretVersion[] } | undefined {
    const record = this.lookup(name);
    if (!record || record.lifecycle.phase !== "active") return undefined;
    return { record, versions: record.versions };
  }

  /** Soft-deletes an active secret. */
  delete(name: string): SecretRecord {
    const record = this.active(name);
    const now = this.env.now();
    const retentionMs = this.env.softDeleteRetentionInDays() * DAY_MS;
    record.lifecycle = {
      phase: "deleted",
      deletedAtMs: now,
      visibleAtMs: now + this.settleMs(),
      purgeAtMs: now + retentionMs * this.env.timeScale(),
      scheduledPurgeAtMs: now + retentionMs,
    };
    return record;
  }

  /** A soft-deleted secret, once its deletion has settled. */
  getDeleted(name: string): SecretRecord {
    const record = this.lookup(name);
    if (!record || !this.isSettledDeletion(record))
      throw keyVaultErrors.deletedSecretNotFound(record?.name ?? name);
    return record;
  }

  /** Soft-deleted secrets whose deletion has settled, ordered by name. */
  listDeleted(): SecretRecord[] {
    return this.sorted().filter((record) => this.isSettledDeletion(record));
  }

  /** Starts recovering a soft-deleted secret; it answers again after a short (scaled) moment. */
  recover(name: string): SecretRecord {
    const record = this.getDeleted(name);
    record.lifecycle = { phase: "recovering", activeAtMs: this.env.now() + this.settleMs() };
    return record;
  }

  /** Forgets a soft-deleted secret for good; refused under purge protection. */
  purge(name: string): void {
    const record = this.getDeleted(name);
    if (this.env.purgeProtection()) throw keyVaultErrors.purgeProtected(record.name);
    this.secrets.delete(name.toLowerCase());
  }

  /** Every secret in every phase, for state files. */
  toState(): SecretStoreState {
    this.sweep();
    return { secrets: structuredClone(this.sorted()) };
  }

  /** Replaces the contents with a saved state. */
  loadState(state: SecretStoreState): void {
    this.secrets.clear();
    for (const record of structuredClone(state.secrets)) this.secrets.set(record.name.toLowerCase(), record);
  }

  /** Deleted, and past the moment Azure takes before `/deletedsecrets` shows it. */
  private isSettledDeletion(record: SecretRecord): boolean {
    return record.lifecycle.phase === "deleted" && this.env.now() >= record.lifecycle.visibleAtMs;
  }

  private active(name: string): SecretRecord {
    const record = this.lookup(name);
    if (!record || record.lifecycle.phase !== "active")
      throw keyVaultErrors.secretNotFound(record?.name ?? name);
    return record;
  }

  /** Finds a secret after applying the transitions that time has brought. */
  private lookup(name: string): SecretRecord | undefined {
    this.sweep();
    return this.secrets.get(name.toLowerCase());
  }

  /** Time-driven transitions, applied lazily: recoveries complete, retention periods end. */
  private sweep(): void {
    const now = this.env.now();
    for (const [key, record] of this.secrets) {
      const { lifecycle } = record;
      if (lifecycle.phase === "recovering" && now >= lifecycle.activeAtMs)
        record.lifecycle = { phase: "active" };
      if (lifecycle.phase === "deleted" && now >= lifecycle.purgeAtMs) this.secrets.delete(key);
    }
  }

  private sorted(): SecretRecord[] {
    this.sweep();
    return [...this.secrets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }

  private settleMs(): number {
    return SOFT_DELETE_SETTLE_MS * this.env.timeScale();
  }

  private nowSec(): number {
    return Math.floor(this.env.now() / 1000);
  }
}

/** The newest version of a secret (a record always has at least one). */
export function latestOf(record: SecretRecord): SecretVersion {
  const latest = record.versions[record.versions.length - 1];
  if (!latest) throw new Error(`secret ${record.name} has no versions`);
  return latest;
}
