/**
 * The audit table (`environmentAudit`): one row per apply, destroy, cancel or import asked of the
 * service — who, when, from where, the plan hash, the answer — and one more when the operation it started
 * ends. Partition = environment id; row key = inverted time + random suffix, so a partition lists newest
 * first. The app only ever inserts (`createEntity`): it never updates or deletes a row.
 */
import { randomBytes } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { fromJsonColumns, toJsonColumns } from "./json-columns";
import { hasStatus } from "./table";

/** Who asked. */
export interface AuditPrincipal {
  /** A signed-in user or application; `functionKey` with sign-in off; `queue` for a queued request; `provisioner` for what the service itself recorded. */
  readonly kind: "user" | "application" | "functionKey" | "queue" | "provisioner";
  /** `oid` of the user or service principal. */
  readonly objectId?: string;
  readonly tenantId?: string;
  /** `name`. */
  readonly name?: string;
  /** `preferred_username` / `upn`. */
  readonly username?: string;
  /** `azp` / `appid`: the client application. */
  readonly appId?: string;
  /** How the caller was authenticated. */
  readonly via?: "bearer" | "easyAuth";
  /** The queue message that carried the request. */
  readonly queueMessageId?: string;
}

/** Where the request came from. */
export interface AuditClient {
  /** The caller's address: the last hop `X-Forwarded-For` names (the front end's view), else unknown. */
  readonly ip?: string;
  /** `X-Forwarded-For` as received (capped), when it names more than one hop. */
  readonly forwardedFor?: string;
  readonly userAgent?: string;
}

/** How a request or an operation turned out. */
export type AuditOutcome = "accepted" | "refused" | "busy" | "failed" | "succeeded" | "canceled";

/** One audit event. */
export interface AuditEntry {
  /** The environment it concerns; absent when the request named none (a refused import). */
  readonly environmentId?: string;
  /** ISO-8601 UTC. */
  readonly at: string;
  /** A request answered, or an operation that ended. */
  readonly event: "request" | "operationEnded";
  /** `apply`, `destroy`, `cancel`, `import-opta`, `certificate-upload`. */
  readonly action: string;
  readonly outcome: AuditOutcome;
  /** The HTTP status answered (requests through the API). */
  readonly status?: number;
  readonly org?: string;
  readonly planHash?: string;
  readonly principal: AuditPrincipal;
  readonly client?: AuditClient;
  /** Why it was refused or failed (the problem's detail); never a secret. */
  readonly detail?: string;
  /** For `operationEnded`: the operation as the record has it. */
  readonly operation?: {
    readonly instanceId: string;
    readonly requestedBy: string;
    readonly startedAt: string;
    readonly endedAt?: string;
    readonly failures?: number;
  };
  /** Functions invocation id of the request, to find its logs. */
  readonly invocationId?: string;
}

/** An entry as stored: its row key is its id. */
export interface StoredAuditEntry extends AuditEntry {
  readonly id: string;
}

/** A page of an environment's audit, newest first. */
export interface AuditPage {
  readonly entries: readonly StoredAuditEntry[];
  /** Row key to pass as `after` for the next page; absent on the last one. */
  readonly continuation?: string;
}

/** Appending and reading audit entries. */
export interface AuditLog {
  /** Inserts `entry` as a new row. */
  append(entry: AuditEntry): Promise<StoredAuditEntry>;
  /** The newest `top` entries of an environment after row key `after`. */
  list(environmentId: string, options: { readonly top: number; readonly after?: string }): Promise<AuditPage>;
}

/** Partition of entries that name no environment. Environment ids never start with `_`. */
export const NO_ENVIRONMENT_PARTITION = "_none";

/** Millisecond times below this invert to 13 digits (until the year 2286). */
const TIME_CEILING = 10_000_000_000_000;

/** Row key: inverted time, so ascending row keys are newest first, and a random suffix against collisions. */
function rowKeyOf(at: string): string {
  const inverted = String(TIME_CEILING - 1 - Date.parse(at)).padStart(13, "0");
  return `${inverted}-${randomBytes(6).toString("hex")}`;
}

/** Characters Table storage refuses in keys (`/`, `\`, `#`, `?`, control characters). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what Table storage refuses
const INVALID_KEY = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

/** An audit log over `table` (see `openTable`). */
export function createAuditLog(table: TableClient): AuditLog {
  return {
    async append(entry) {
      for (let attempt = 0; ; attempt++) {
        const id = rowKeyOf(entry.at);
        const stored: StoredAuditEntry = { ...entry, id };
        try {
          await table.createEntity({
            partitionKey: entry.environmentId ?? NO_ENVIRONMENT_PARTITION,
            rowKey: id,
            // Scalar columns to filter on in a table browser; the entry itself is the JSON.
            at: entry.at,
            action: entry.action,
            outcome: entry.outcome,
            ...(entry.status === undefined ? {} : { status: entry.status }),
            ...(entry.principal.objectId ? { objectId: entry.principal.objectId } : {}),
            ...toJsonColumns("entry", entry),
          });
          return stored;
        } catch (error) {
          // Insert only: a taken row key (one chance in 2^48 within a millisecond) gets another suffix.
          if (hasStatus(error, 409) && attempt < 3) continue;
          throw error;
        }
      }
    },
    async list(environmentId, { top, after }) {
      if (INVALID_KEY.test(environmentId) || (after !== undefined && INVALID_KEY.test(after))) {
        return { entries: [] };
      }
      const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
      const filter = `PartitionKey eq ${quote(environmentId)}${after === undefined ? "" : ` and RowKey gt ${quote(after)}`}`;
      const entries: StoredAuditEntry[] = [];
      // One more than asked tells whether another page exists.
      for await (const entity of table.listEntities({ queryOptions: { filter } })) {
        const entry = fromJsonColumns<AuditEntry>("entry", entity);
        if (entry) entries.push({ ...entry, id: String(entity.rowKey) });
        if (entries.length > top) break;
      }
      const page = entries.slice(0, top);
      return entries.length > top
        ? { entries: page, continuation: page.at(-1)?.id ?? "" }
        : { entries: page };
    },
  };
}
