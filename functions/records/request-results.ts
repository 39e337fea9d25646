/**
 * The request results table: one row per environment of each queue message, keyed by message id and
 * position, so a redelivered message overwrites its own rows instead of adding new ones. Refused specs
 * land here with every validation problem; this table (not the poison queue) is where operators look.
 */
import type { TableClient } from "@azure/data-tables";
import { fromJsonColumns, toJsonColumns } from "./json-columns";
import type { RequestResult } from "./types";

/** Writing and reading request results. */
export interface RequestResults {
  /** Records (or, for a redelivered message, re-records) one result. */
  record(result: RequestResult): Promise<void>;
  /** Results of one request, in message order. */
  ofRequest(requestId: string): Promise<RequestResult[]>;
}

/** Row keys sort in message order up to a million items. */
const rowKeyOf = (index: number): string => String(index).padStart(6, "0");

/** A results store over `table` (see `openTable`). */
export function createRequestResults(table: TableClient): RequestResults {
  return {
    async record(result) {
      await table.upsertEntity(
        {
          partitionKey: result.requestId,
          rowKey: rowKeyOf(result.index),
          action: result.action,
          outcome: result.outcome,
          recordedAt: result.recordedAt,
          ...(result.environmentId === undefined ? {} : { environmentId: result.environmentId }),
          ...(result.instanceId === undefined ? {} : { instanceId: result.instanceId }),
          ...toJsonColumns("problems", result.problems),
        },
        "Replace",
      );
    },
    async ofRequest(requestId) {
      const results: RequestResult[] = [];
      const filter = `PartitionKey eq '${requestId.replace(/'/g, "''")}'`;
      for await (const entity of table.listEntities({ queryOptions: { filter } })) {
        results.push({
          requestId,
          index: Number(entity.rowKey),
          action: entity.action as RequestResult["action"],
          outcome: entity.outcome as RequestResult["outcome"],
          recordedAt: String(entity.recordedAt),
          problems: fromJsonColumns<RequestResult["problems"]>("problems", entity) ?? [],
          ...(typeof entity.environmentId === "string" ? { environmentId: entity.environmentId } : {}),
          ...(typeof entity.instanceId === "string" ? { instanceId: entity.instanceId } : {}),
        });
      }
      return results.sort((a, b) => a.index - b.index);
    },
  };
}
