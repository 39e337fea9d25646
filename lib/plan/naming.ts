/**
 * Azure resource names: deterministic functions of org, environment and module, valid for each type's
 * rules (length, characters, first and last character), whatever the inputs (unicode, very long, digits
 * first). Types whose names are global DNS names (Key Vault, PostgreSQL, Redis, the AKS DNS prefix) carry
 * a short stable hash of subscription + org + environment + module, so two environments never collide.
 * Names are built from `[a-z0-9-]` and start with a letter; types that refuse hyphens (container
 * registries) get the same name without them.
 */
import { createHash } from "node:crypto";

/** The length rule of one resource type, from Azure's naming rules. */
export interface NameLimits {
  /** Shortest name Azure accepts, in characters. */
  readonly minLength: number;
  /** Longest name Azure accepts, in characters. */
  readonly maxLength: number;
  /** True when the name is a global DNS label, so it carries the environment hash. */
  readonly globallyUnique: boolean;
  /** True when the type accepts only letters and digits (no hyphen). @default false */
  readonly alphanumeric?: boolean;
}

/** Name length limits per resource type (learn.microsoft.com, "Naming rules and restrictions"). */
export const NAME_LIMITS = {
  resourceGroup: { minLength: 1, maxLength: 90, globallyUnique: false },
  virtualNetwork: { minLength: 2, maxLength: 64, globallyUnique: false },
  subnet: { minLength: 1, maxLength: 80, globallyUnique: false },
  networkSecurityGroup: { minLength: 1, maxLength: 80, globallyUnique: false },
  publicIpAddress: { minLength: 1, maxLength: 80, globallyUnique: false },
  natGateway: { minLength: 1, maxLength: 80, globallyUnique: false },
  privateDnsZoneVnetLink: { minLength: 1, maxLength: 80, globallyUnique: false },
  privateEndpoint: { minLength: 2, maxLength: 64, globallyUnique: false },
  managedCluster: { minLength: 1, maxLength: 63, globallyUnique: false },
  /** The AKS DNS prefix becomes part of the API server's public FQDN. */
  aksDnsPrefix: { minLength: 1, maxLength: 54, globallyUnique: true },
  keyVault: { minLength: 3, maxLength: 24, globallyUnique: true },
  postgresFlexibleServer: { minLength: 3, maxLength: 63, globallyUnique: true },
  redisCache: { minLength: 1, maxLength: 63, globallyUnique: true },
  /**
   * An Azure Managed Redis cluster: 1–60 characters, but the host `<name>.<region>.redis.azure.net` must
   * fit, and names under 45 characters work in every region; unique in its region.
   */
  managedRedisCluster: { minLength: 1, maxLength: 44, globallyUnique: true },
  /** A container registry: 5-50 letters and digits, global (the login server `<name>.azurecr.io`). */
  containerRegistry: { minLength: 5, maxLength: 50, globallyUnique: true, alphanumeric: true },
  /** A storage account: 3-24 lower-case letters and digits, global (`<name>.blob.core.windows.net`). */
  storageAccount: { minLength: 3, maxLength: 24, globallyUnique: true, alphanumeric: true },
  /** A user-assigned managed identity: 3-128 letters, digits, hyphens and underscores. */
  userAssignedIdentity: { minLength: 3, maxLength: 128, globallyUnique: false },
  /** A DNS label (the environment's label in the PostgreSQL private DNS zone name). */
  dnsLabel: { minLength: 1, maxLength: 63, globallyUnique: false },
} as const satisfies Record<string, NameLimits>;

export type NamedType = keyof typeof NAME_LIMITS;

/** Length of the hash suffix, in hex characters (32 bits: collisions need ~65,000 environments). */
export const NAME_HASH_LENGTH = 8;

/**
 * Lower-case `[a-z0-9-]` form of any text: accents folded (é ⇒ e), every other character a hyphen,
 * hyphens collapsed and trimmed. May be empty.
 */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Hex SHA-256 of the parts joined by a separator no part can blur (NUL). */
export function stableHash(parts: readonly string[], length = NAME_HASH_LENGTH): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length);
}

/** Who a name belongs to: the inputs of the uniqueness hash. */
export interface NameOwner {
  readonly subscriptionId: string;
  readonly org: string;
  readonly environment: string;
  /** The module's name; empty for environment-wide resources. */
  readonly module: string;
}

/**
 * Builds a name of `type` from readable parts: `<prefix>-<parts…>[-<hash>]`, truncated to the type's
 * length. The hash is added when the type is globally unique, and also whenever the readable form does
 * not fit (truncation dropped characters, so two long inputs that share a prefix still get different
 * names; or it is too short).
 * @param prefix a short lower-case word starting with a letter (`kv`, `pg`), so no name starts with a digit.
 */
export function resourceName(
  type: NamedType,
  prefix: string,
  parts: readonly string[],
  owner: NameOwner,
): string {
  const limits: NameLimits = NAME_LIMITS[type];
  const separator = limits.alphanumeric ? "" : "-";
  const readable = [prefix, ...parts.map(slugify)]
    .filter((part) => part !== "")
    .join(separator)
    .replace(limits.alphanumeric ? /-/g : /(?!)/, "");
  const hash = stableHash([owner.subscriptionId, owner.org, owner.environment, owner.module, type]);
  const fits = readable.length >= limits.minLength && readable.length <= limits.maxLength;
  if (!limits.globallyUnique && fits) return readable;
  const room = limits.maxLength - hash.length - separator.length;
  const head = readable.slice(0, room).replace(/-+$/, "");
  return head === "" ? hash : `${head}${separator}${hash}`;
}

/**
 * A deterministic GUID (RFC 4122 layout, version 5 bits) from the parts, for resources such as role
 * assignments whose name must be a GUID and must be the same on every re-apply.
 */
export function deterministicGuid(parts: readonly string[]): string {
  const hex = createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32).split("");
  hex[12] = "5";
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join("");
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

/** A DNS label for the environment (used in `<label>.private.postgres.database.azure.com`). */
export function environmentDnsLabel(owner: NameOwner): string {
  // No prefix: the label reads as the environment's name; input with no usable character becomes the hash.
  return resourceName("dnsLabel", "", [owner.environment], owner);
}
