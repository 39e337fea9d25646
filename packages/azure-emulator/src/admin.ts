/**
 * The admin API under `/__emulator/` on the ARM origin (no token: it is loopback-only tooling):
 *
 * | method + path | does |
 * |---|---|
 * | GET `state` | state dump: resources, deleted vaults, running operations, Key Vault (values redacted) |
 * | POST `state/save` | writes the state file now (when one is configured) |
 * | GET `requests?limit=N` | request log, newest last |
 * | GET `counters` | counters by method, resource type, status and category |
 * | POST `reset` | forgets resources, operations, counters, faults, throttling and data-plane state |
 * | GET / POST / DELETE `faults` | lists / adds (a rule or an array) / clears fault rules |
 * | GET / PUT `time-scale` | reads / sets `{ timeScale }` |
 * | GET / POST / DELETE `subscriptions` | reads / merges / forgets the subscription settings (`subscriptions/settings.ts`) |
 */
import { ZodError } from "zod";
import { badRequest, notFound } from "./errors.js";
import type { FaultRule } from "./faults.js";
import type { ArmResponse } from "./http-types.js";
import type { RequestCounters, RequestLogEntry } from "./metrics.js";

/** Reserved path prefix of the admin API. */
export const ADMIN_PREFIX = "/__emulator";

/** The in-process admin handle (the HTTP admin API calls the same methods). */
export interface EmulatorAdmin {
  counters(): RequestCounters;
  /** Most recent requests, oldest first. @param limit - @default all kept (up to 5000) */
  requestLog(limit?: number): RequestLogEntry[];
  /** Adds fault rules (validated; throws on a bad rule). */
  addFaults(rules: readonly unknown[]): void;
  listFaults(): { rule: FaultRule; remaining: number | null }[];
  clearFaults(): void;
  /**
   * Merges subscription settings (validated; throws on a bad document): states, tenants, unregistered
   * providers, permissions, quotas, names taken elsewhere, offers withdrawn (`subscriptions/settings.ts`).
   */
  configureSubscriptions(settings: unknown): void;
  /** The subscription settings as set. */
  subscriptionSettings(): unknown;
  /** Forgets the subscription settings: every subscription as by default. */
  clearSubscriptionSettings(): void;
  /** Forgets every resource, operation, counter, fault and data-plane state. */
  reset(): Promise<void>;
  timeScale(): number;
  /** @param timeScale - multiplier of real-Azure durations, > 0 */
  setTimeScale(timeScale: number): void;
  /** A JSON-safe dump of the state, without secret values. */
  state(): unknown;
  /** Writes the state file, if one is configured. @returns its path, or undefined */
  saveState(): Promise<string | undefined>;
}

function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? undefined : (JSON.parse(body.toString("utf8")) as unknown);
  } catch {
    throw badRequest("InvalidRequestContent", "The admin request body is not JSON.");
  }
}

/** Answers one admin request; `path` is below {@link ADMIN_PREFIX}. */
export async function handleAdmin(
  admin: EmulatorAdmin,
  method: string,
  path: string,
  url: URL,
  body: Buffer,
): Promise<ArmResponse> {
  const route = `${method} ${path.replace(/\/+$/, "").toLowerCase()}`;
  try {
    switch (route) {
      case "GET /state":
        return { status: 200, body: admin.state() };
      case "POST /state/save":
        return { status: 200, body: { stateFile: (await admin.saveState()) ?? null } };
      case "GET /requests": {
        const limit = Number(url.searchParams.get("limit") ?? "0");
        return { status: 200, body: { value: admin.requestLog(limit > 0 ? limit : undefined) } };
      }
      case "GET /counters":
        return { status: 200, body: admin.counters() };
      case "POST /reset":
        await admin.reset();
        return { status: 200, body: { reset: true } };
      case "GET /faults":
        return { status: 200, body: { value: admin.listFaults() } };
      case "POST /faults": {
        const parsed = parseJson(body);
        admin.addFaults(Array.isArray(parsed) ? parsed : [parsed]);
        return { status: 200, body: { value: admin.listFaults() } };
      }
      case "DELETE /faults":
        admin.clearFaults();
        return { status: 200, body: { value: [] } };
      case "GET /subscriptions":
        return { status: 200, body: admin.subscriptionSettings() };
      case "POST /subscriptions":
        admin.configureSubscriptions(parseJson(body) ?? {});
        return { status: 200, body: admin.subscriptionSettings() };
      case "DELETE /subscriptions":
        admin.clearSubscriptionSettings();
        return { status: 200, body: admin.subscriptionSettings() };
      case "GET /time-scale":
        return { status: 200, body: { timeScale: admin.timeScale() } };
      case "PUT /time-scale": {
        const parsed = parseJson(body) as { timeScale?: unknown } | undefined;
        admin.setTimeScale(Number(parsed?.timeScale));
        return { status: 200, body: { timeScale: admin.timeScale() } };
      }
      default:
        throw notFound("NotFound", `No admin route '${route}'.`);
    }
  } catch (error) {
    if (error instanceof ZodError)
      throw badRequest(
        route.includes("/subscriptions") ? "InvalidSubscriptionSettings" : "InvalidFaultRule",
        error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      );
    if (error instanceof RangeError) throw badRequest("InvalidTimeScale", error.message);
    throw error;
  }
}
