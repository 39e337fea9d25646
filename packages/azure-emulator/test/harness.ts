/**
 * Test harness: an emulator with a tiny time scale and SDK client options that reach it (endpoint,
 * scopes, the emulator CA, fast polling, quick retries).
 */
import { mkdtempSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorCredential } from "../src/credential.js";
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from "../src/index.js";
import { DEFAULT_ROLE_PROPAGATION_SEC } from "../src/emulator.js";

/** One shared certificate directory per test process: certificates are made once. */
const certDir = mkdtempSync(join(tmpdir(), "emulator-test-"));

export const SUBSCRIPTION_ID = "00000000-0000-0000-0000-0000000000aa";
export const TENANT_ID = "00000000-0000-0000-0000-000000000001";
/** A 20-minute Redis create lasts 0.6 s. */
export const TEST_TIME_SCALE = 0.0005;
/** The emulator's RBAC propagation at the test time scale, with margin: wait this before data-plane calls. */
export const ROLE_PROPAGATION_WAIT_MS = Math.ceil(DEFAULT_ROLE_PROPAGATION_SEC * 1000 * TEST_TIME_SCALE) + 20;
/** Poll interval for SDK pollers in tests. */
export const POLL_MS = 20;

/** Starts an emulator for a test file. */
export function startTestEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ dataDir: certDir, timeScale: TEST_TIME_SCALE, ...options });
}

/** Options every ARM SDK client takes (HLC and modular alike). */
export function clientOptions(emulator: RunningEmulator) {
  return {
    endpoint: emulator.armEndpoint,
    credentialScopes: ["https://management.azure.com/.default"],
    credentials: { scopes: ["https://management.azure.com/.default"] },
    tlsOptions: { ca: emulator.caCertPem },
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  };
}

export const credential = new EmulatorCredential();

/** Poller options for fast tests: HLC (`updateIntervalInMs`) and modular (`updateIntervalInMs` too). */
export const fastPoll = { updateIntervalInMs: POLL_MS };

/** A raw answer of {@link rawRequest}. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/** A header of a raw answer (the first value when repeated). */
export function headerOf(answer: RawAnswer, name: string): string | undefined {
  const value = answer.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** {@link rawRequest} with `body`, when given, sent as JSON. */
export function jsonRequest(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<RawAnswer> {
  return rawRequest(emulator, method, path, body === undefined ? {} : { body: JSON.stringify(body) });
}

/**
 * Sends one request to the emulator without an SDK (for what the SDK cannot send: no token, a bad
 * token, malformed JSON).
 * @param token - bearer token; `null` sends none. @default a valid ARM token from {@link credential}
 */
export async function rawRequest(
  emulator: RunningEmulator,
  method: string,
  path: string,
  options: { body?: string; token?: string | null; origin?: string } = {},
): Promise<RawAnswer> {
  const token =
    options.token === undefined
      ? (await credential.getToken("https://management.azure.com/.default")).token
      : options.token;
  const url = new URL(path, options.origin ?? emulator.armEndpoint);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: emulator.caCertPem,
        headers: {
          ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
          ...(options.body === undefined ? {} : { "Content-Type": "application/json" }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as unknown) : undefined,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** The ARM error code of a raw answer. */
export const errorCode = (answer: RawAnswer): string | undefined =>
  (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
