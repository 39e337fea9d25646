/**
 * ARM on the wire, without an SDK: the conformance suite sends the spec's requests as bytes and reads the
 * answers as bytes, so nothing a client library forgives (a missing body, a wrong status) goes unseen.
 */
import type { RunningEmulator } from "../../src/index.js";
import { rawRequest, type RawAnswer } from "../harness.js";

/** One answer, with header lookup that ignores case. */
export interface WireAnswer extends RawAnswer {
  header(name: string): string | undefined;
}

const TERMINAL = new Set(["succeeded", "failed", "canceled", "cancelled"]);
/** Long enough for a 20-minute Azure operation at the test time scale, with room for a loaded machine. */
const LRO_DEADLINE_MS = 30_000;

export class Wire {
  constructor(private readonly emulator: RunningEmulator) {}

  async send(method: string, path: string, apiVersion: string, body?: unknown): Promise<WireAnswer> {
    const separator = path.includes("?") ? "&" : "?";
    const answer = await rawRequest(this.emulator, method, `${path}${separator}api-version=${apiVersion}`, {
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return withHeaderLookup(answer);
  }

  /** GETs an absolute URL the emulator handed out (operation status and result URLs). */
  async follow(url: string): Promise<WireAnswer> {
    const parsed = new URL(url);
    return withHeaderLookup(
      await rawRequest(this.emulator, "GET", `${parsed.pathname}${parsed.search}`, { origin: parsed.origin }),
    );
  }

  /**
   * Waits for the operation an answer started to end, the way ARM clients do: the `Azure-AsyncOperation`
   * status, else the `Location` result, else (a PUT with neither) the resource's provisioningState.
   * Resolves to the operation's last status (`Succeeded`, `Failed`, …).
   */
  async settle(answer: WireAnswer, resourcePath: string, apiVersion: string): Promise<string> {
    const deadline = Date.now() + LRO_DEADLINE_MS;
    const asyncUrl = answer.header("azure-asyncoperation");
    const locationUrl = answer.header("location");
    while (Date.now() < deadline) {
      if (asyncUrl) {
        const body = (await this.follow(asyncUrl)).body as { status?: unknown } | undefined;
        const status = String(body?.status ?? "");
        if (TERMINAL.has(status.toLowerCase())) return status;
      } else if (locationUrl) {
        const result = await this.follow(locationUrl);
        if (result.status !== 202) return result.status < 300 ? "Succeeded" : "Failed";
      } else if (answer.status < 300 && answer.body !== undefined) {
        const current = await this.send("GET", resourcePath, apiVersion);
        if (current.status === 404) return "Succeeded";
        const state = provisioningStateOf(current.body);
        if (state === undefined || TERMINAL.has(state.toLowerCase())) return state ?? "Succeeded";
      } else {
        return answer.status < 300 ? "Succeeded" : "Failed";
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the operation on ${resourcePath} did not end within ${LRO_DEADLINE_MS} ms`);
  }
}

function withHeaderLookup(answer: RawAnswer): WireAnswer {
  return {
    ...answer,
    header(name: string) {
      const value = answer.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}

/** `properties.provisioningState` (or `properties.state` for servers that report state instead). */
export function provisioningStateOf(body: unknown): string | undefined {
  const properties = (body as { properties?: Record<string, unknown> } | undefined)?.properties;
  const state = properties?.provisioningState ?? properties?.state;
  if (typeof state !== "string") return undefined;
  // PostgreSQL's `state` says Ready, not Succeeded, when nothing runs.
  return state === "Ready" ? "Succeeded" : state;
}

/** The ARM error code of an answer. */
export const errorCodeOf = (answer: RawAnswer): string | undefined =>
  (answer.body as { error?: { code?: string } } | undefined)?.error?.code;

/** The ARM error message of an answer. */
export const errorMessageOf = (answer: RawAnswer): string =>
  String((answer.body as { error?: { message?: string } } | undefined)?.error?.message ?? "");
