/**
 * The environment record store over one Azure Table. Writes are guarded by etags: a create fails when
 * the row exists, a replace fails when the row changed since it was read; both as
 * {@link RecordConflictError}, so two requests racing for one environment cannot both win.
 */
import type { TableClient } from "@azure/data-tables";
import { RecordConflictError } from "./errors";
import { fromJsonColumns, toJsonColumns } from "./json-columns";
import { hasStatus } from "./table";
import type { EnvironmentRecord, StoredRecord } from "./types";

/** All environments share one partition: the set is small and list is one query. */
const PARTITION = "environment";

/** Columns holding JSON (split when long); the rest of the record is scalar columns. */
const JSON_FIELDS = ["spec", "pinnedDefaults", "lastOperation", "resultSummary", "outputs"] as const;

/** Reading, listing and writing environment records. */
export interface EnvironmentRecords {
  /** The record of `environmentId`, or `undefined` when there is none. */
  get(environmentId: string): Promise<StoredRecord | undefined>;
  /** Every record, ordered by environment id. */
  list(): Promise<StoredRecord[]>;
  /**
   * Writes `record`. With `etag` it replaces the row only if unchanged since read; without, it creates
   * the row only if none exists.
   * @returns the new etag.
   * @throws RecordConflictError when the condition fails.
   */
  save(record: EnvironmentRecord, etag?: string): Promise<string>;
}

function toEntity(record: EnvironmentRecord): Record<string, unknown> {
  const entity: Record<string, unknown> = {
    partitionKey: PARTITION,
    rowKey: record.environmentId,
    org: record.org,
    name: record.name,
    planHash: record.planHash,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  for (const field of JSON_FIELDS) Object.assign(entity, toJsonColumns(field, record[field]));
  return entity;
}

function fromEntity(entity: Readonly<Record<string, unknown>>): StoredRecord {
  const json = Object.fromEntries(
    JSON_FIELDS.map((field) => [field, fromJsonColumns(field, entity)]).filter(
      ([, value]) => value !== undefined,
    ),
  ) as Pick<EnvironmentRecord, (typeof JSON_FIELDS)[number]>;
  const record: EnvironmentRecord = {
    environmentId: String(entity.rowKey),
    org: String(entity.org),
    name: String(entity.name),
    planHash: String(entity.planHash),
    createdAt: String(entity.createdAt),
    updatedAt: String(entity.updatedAt),
    ...json,
  };
  return { record, etag: String(entity.etag) };
}

/** A record store over `table` (see `openTable`). */
export function createEnvironmentRecords(table: TableClient): EnvironmentRecords {
  return {
    async get(environmentId) {
      try {
        return fromEntity(await table.getEntity(PARTITION, environmentId));
      } catch (error) {
        if (hasStatus(error, 404)) return undefined;
        throw error;
      }
    },
    async list() {
      const found: StoredRecord[] = [];
      const entities = table.listEntities({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'` } });
      for await (const entity of entities) found.push(fromEntity(entity));
      return found.sort((a, b) => a.record.environmentId.localeCompare(b.record.environmentId));
    },
    async save(record, etag) {
      const entity = toEntity(record) as { partitionKey: string; rowKey: string };
      try {
        const response =
          etag === undefined
            ? await table.createEntity(entity)
            : // Replace, not merge: chunked JSON columns of a shorter value must not linger.
              await table.updateEntity(entity, "Replace", { etag });
        return String(response.etag);
      } catch (error) {
        // 409: the row exists (create); 412: it changed since read (replace).
        if (hasStatus(error, 409) || hasStatus(error, 412))
          throw new RecordConflictError(record.environmentId);
        throw error;
      }
    },
  };
}
