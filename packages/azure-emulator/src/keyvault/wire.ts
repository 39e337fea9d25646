/**
 * Key Vault's JSON shapes: secret bundles and items as `SecretClient` 4.x deserializes them, request
 * bodies it sends, and the `maxresults` / `nextLink` paging of list operations.
 */
import { z } from "zod";
import { keyVaultErrors } from "./errors";
import type { SecretInput, SecretPropertiesUpdate, SecretRecord, SecretVersion } from "./secret-store";
import { latestOf } from "./secret-store";

/** Vault settings that show in every secret's attributes. */
export interface RecoverySettings {
  readonly softDeleteRetentionInDays: number;
  readonly purgeProtection: boolean;
}

/** Key Vault's full retention; shorter custom retention is reported as `CustomizedRecoverable…`. */
const DEFAULT_RETENTION_DAYS = 90;
/** Largest secret value Key Vault accepts (25 KiB). */
const MAX_SECRET_VALUE_CHARS = 25 * 1024;
/** Key Vault's page size cap for list operations. */
export const MAX_PAGE_SIZE = 25;

/** `recoveryLevel` as Key Vault reports it for a vault's retention and purge protection. */
export function recoveryLevelOf(settings: RecoverySettings): string {
  const customized =
    settings.softDeleteRetentionInDays < DEFAULT_RETENTION_DAYS ? "CustomizedRecoverable" : "Recoverable";
  return settings.purgeProtection ? customized : `${customized}+Purgeable`;
}

function attributesOf(version: SecretVersion, settings: RecoverySettings): Record<string, unknown> {
  return {
    enabled: version.enabled,
    ...(version.notBeforeSec === undefined ? {} : { nbf: version.notBeforeSec }),
    ...(version.expiresSec === undefined ? {} : { exp: version.expiresSec }),
    created: version.createdSec,
    updated: version.updatedSec,
    recoveryLevel: recoveryLevelOf(settings),
    recoverableDays: settings.softDeleteRetentionInDays,
  };
}

function describe(version: SecretVersion): Record<string, unknown> {
  return {
    ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
    ...(version.tags === undefined ? {} : { tags: version.tags }),
    ...(version.managed ? { managed: true, ...(version.kid ? { kid: version.kid } : {}) } : {}),
  };
}

/** Which parts of a bundle a reply carries. */
export interface BundleOptions {
  /** Include `value`: only reads and writes of the secret itself do. */
  readonly withValue: boolean;
}

/** A `SecretBundle`: id `<origin>/secrets/<name>/<version>`, attributes, and the value when asked for. */
export function secretBundle(
  origin: string,
  record: SecretRecord,
  version: SecretVersion,
  settings: RecoverySettings,
  options: BundleOptions,
): Record<string, unknown> {
  return {
    ...(options.withValue ? { value: version.value } : {}),
    id: `${origin}/secrets/${record.name}/${version.version}`,
    attributes: attributesOf(version, settings),
    ...describe(version),
  };
}

/** A `SecretItem` of a list: id without a version for `/secrets`, with one for `/versions`. */
export function secretItem(
  origin: string,
  record: SecretRecord,
  version: SecretVersion,
  settings: RecoverySettings,
  withVersion: boolean,
): Record<string, unknown> {
  return {
    id: `${origin}/secrets/${record.name}${withVersion ? `/${version.version}` : ""}`,
    attributes: attributesOf(version, settings),
    ...describe(version),
  };
}

/** The deleted-secret fields Key Vault adds to a bundle or item: `recoveryId` and its dates. */
export function deletedFields(origin: string, record: SecretRecord): Record<string, unknown> {
  const { lifecycle } = record;
  if (lifecycle.phase !== "deleted") return {};
  return {
    recoveryId: `${origin}/deletedsecrets/${record.name}`,
    deletedDate: Math.floor(lifecycle.deletedAtMs / 1000),
    scheduledPurgeDate: Math.floor(lifecycle.scheduledPurgeAtMs / 1000),
  };
}

/** The deleted bundle of a secret's latest version (no value: Key Vault does not return it). */
export function deletedSecretBundle(
  origin: string,
  record: SecretRecord,
  settings: RecoverySettings,
): Record<string, unknown> {
  return {
    ...secretBundle(origin, record, latestOf(record), settings, { withValue: false }),
    ...deletedFields(origin, record),
  };
}

const attributesSchema = z
  .object({
    enabled: z.boolean().optional(),
    nbf: z.number().int().optional(),
    exp: z.number().int().optional(),
  })
  .optional();
const tagsSchema = z.record(z.string(), z.string()).optional();

const setSecretSchema = z.object({
  value: z.string().max(MAX_SECRET_VALUE_CHARS),
  contentType: z.string().optional(),
  tags: tagsSchema,
  attributes: attributesSchema,
});

const updateSecretSchema = z.object({
  contentType: z.string().optional(),
  tags: tagsSchema,
  attributes: attributesSchema,
});

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw keyVaultErrors.badParameter("The request body is not valid JSON.");
  }
}

/** Reads a `setSecret` body. Errors name the offending field, never the value. */
export function parseSetSecretBody(body: Buffer): SecretInput {
  const parsed = setSecretSchema.safeParse(parseJson(body));
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "body";
    throw keyVaultErrors.badParameter(`Invalid or missing '${field}' in the request body.`);
  }
  const { value, contentType, tags, attributes } = parsed.data;
  return {
    value,
    contentType,
    tags,
    enabled: attributes?.enabled,
    notBeforeSec: attributes?.nbf,
    expiresSec: attributes?.exp,
  };
}

/** Reads an `updateSecret` body. */
export function parseUpdateSecretBody(body: Buffer): SecretPropertiesUpdate {
  const parsed = updateSecretSchema.safeParse(body.length === 0 ? {} : parseJson(body));
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "body";
    throw keyVaultErrors.badParameter(`Invalid '${field}' in the request body.`);
  }
  const { contentType, tags, attributes } = parsed.data;
  return {
    contentType,
    tags,
    enabled: attributes?.enabled,
    notBeforeSec: attributes?.nbf,
    expiresSec: attributes?.exp,
  };
}

/** One page of a list and the link to the next page, if any. */
export interface Page<T> {
  readonly value: T[];
  readonly nextLink: string | null;
}

/**
 * Cuts a list into Key Vault pages. The `$skiptoken` is an opaque offset; `nextLink` is absolute and keeps
 * the api-version, as Key Vault's does, so the SDK can follow it verbatim.
 */
export function pageOf<T>(items: readonly T[], url: URL, origin: string): Page<T> {
  const requested = url.searchParams.get("maxresults");
  const pageSize = requested === null ? MAX_PAGE_SIZE : Number(requested);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw keyVaultErrors.badParameter(`maxresults must be an integer between 1 and ${MAX_PAGE_SIZE}.`);
  }
  const offset = decodeSkipToken(url.searchParams.get("$skiptoken"));
  const end = offset + pageSize;
  if (end >= items.length) return { value: items.slice(offset), nextLink: null };
  const next = new URL(`${origin}${url.pathname}`);
  next.searchParams.set("api-version", url.searchParams.get("api-version") ?? "");
  next.searchParams.set("$skiptoken", Buffer.from(JSON.stringify({ offset: end })).toString("base64url"));
  next.searchParams.set("maxresults", String(pageSize));
  return { value: items.slice(offset, end), nextLink: next.toString() };
}

function decodeSkipToken(token: string | null): number {
  if (token === null) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw keyVaultErrors.badParameter("The $skiptoken is not valid.");
}
