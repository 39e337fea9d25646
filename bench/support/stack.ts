/**
 * The benchmarks' world: Azurite (in memory), the Azure emulator at a chosen time scale, and the
 * devhost serving the real app (`functions/index`: HTTP API, queue trigger, orchestrations, activities)
 * on a durable clock running 1/timeScale times faster, so orchestration time and emulated Azure time
 * agree — the wiring `npm start` uses (local-stack/local-stack.ts), on free loopback ports and in a
 * temporary folder. The devhost runs as a child process, as `npm start` runs it beside Azurite, so each
 * part's CPU time can be read on its own (`cpu()`); the emulator runs in this process.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import {
  ENGINE_STATS_PATH,
  type EngineReport,
  type InstanceStatus,
  spawnDevhost,
  startAzurite,
  type RunningAzurite,
} from "@azure-env-provisioner/functions-devhost";
import { startEmulator, type RunningEmulator } from "@azure-env-provisioner/azure-emulator";
import { LOCAL_STACK_PRINCIPAL_ID } from "../../lib/config";
import { mainThreadCpuSec, ownCpuSec, processCpuSec, type CpuSnapshot } from "./cpu";

/** The subscription the specs in `examples/` name; the API refuses specs for any other. */
export const EXAMPLE_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000002";

/** Where the bench and the app it runs live: the project root under tsx, `dist/` when compiled. */
const BUILD_ROOT = join(__dirname, "..", "..");

/** The project root (host.json, `examples/`), from this file's folder, as TS under tsx or JS under dist. */
export const PROJECT_ROOT = extname(__filename) === ".js" ? join(BUILD_ROOT, "..") : BUILD_ROOT;

/** What {@link startBenchStack} needs. */
export interface BenchStackOptions {
  /** Emulator time scale (real seconds per Azure second); the durable clock runs 1/timeScale faster. */
  readonly timeScale: number;
  /** ARM throttling in the emulator (200 writes burst, 10/s refill, scaled). */
  readonly throttling: boolean;
  /** Environments a queue batch builds at once (`PROVISIONER_MAX_CONCURRENT_BUILDS`). @default the app's */
  readonly maxConcurrentBuilds?: number;
}

/** The devhost child process. */
export interface BenchDevhost {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid: number | undefined;
}

/** A running stack. */
export interface BenchStack {
  readonly azurite: RunningAzurite;
  readonly emulator: RunningEmulator;
  readonly devhost: BenchDevhost;
  /** Real seconds per Azure second, as started. */
  readonly timeScale: number;
  /**
   * Orchestration (simulated Azure) seconds between two status times: status bodies carry wall-clock
   * times, and durable time runs 1/timeScale times faster.
   */
  simulatedSecBetween(fromIso: string, toIso: string): number;
  /** CPU seconds each part of the stack has used so far. */
  cpu(): CpuSnapshot;
  /** `fetch` to `<devhost>/api/<path>` with the function key. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /**
   * An instance's Durable status (custom status, times; not its input, as a client watching a build
   * asks), or `undefined` when unknown.
   */
  instanceStatus(instanceId: string): Promise<InstanceStatus | undefined>;
  /** The devhost engine's counters so far: episodes, activities, requests to its task hub's table. */
  engineStats(): Promise<EngineReport>;
  /** An instance's status with its history (`showHistory`), or `undefined` when unknown. */
  instanceHistory(instanceId: string): Promise<InstanceStatus | undefined>;
  /** Every instance whose id starts with `prefix` (all pages). */
  instances(prefix: string): Promise<InstanceStatus[]>;
  /** What the devhost printed (kept, not printed: a benchmark's output is its figures). */
  log(): string;
  /** Stops the devhost, the emulator and Azurite, and removes the temporary folder. Idempotent. */
  stop(): Promise<void>;
}

async function readStatus(url: string): Promise<InstanceStatus | undefined> {
  const response = await fetch(url);
  if (response.status === 404) return undefined;
  return (await response.json()) as InstanceStatus;
}

/**
 * The app's entry: TypeScript under tsx (the child then runs it under tsx too, transpiling each module
 * it loads), the compiled JS when the bench is (as the Functions host runs the app).
 */
export const APP_ENTRY = join(BUILD_ROOT, "functions", `index${extname(__filename)}`);

/** Starts Azurite, the emulator and the devhost; on failure stops what started. */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "provisioner-bench-"));
  const stops: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const azurite = await startAzurite();
    stops.push(() => azurite.stop());
    const emulator = await startEmulator({
      dataDir,
      timeScale: options.timeScale,
      throttling: options.throttling,
      managedIdentity: { principalId: LOCAL_STACK_PRINCIPAL_ID },
    });
    stops.push(() => emulator.stop());
    // Variables already set win over local.settings.json, so these reach the app's configuration.
    const systemKey = randomBytes(24).toString("base64url");
    const masterKey = randomBytes(24).toString("base64url");
    const env: Record<string, string> = {
      PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
      PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
      PROVISIONER_SUBSCRIPTION_ID: EXAMPLE_SUBSCRIPTION_ID,
      // The app authenticates as the emulator's managed identity, as `npm start` runs it.
      IDENTITY_ENDPOINT: emulator.identityEndpoint,
      IDENTITY_HEADER: emulator.identityHeader,
      PROVISIONER_PRINCIPAL_ID: emulator.identityPrincipalId,
      AzureWebJobsStorage: azurite.connectionString,
      DEVHOST_SYSTEM_KEY: systemKey,
      DEVHOST_MASTER_KEY: masterKey,
      ...(options.maxConcurrentBuilds === undefined
        ? {}
        : { PROVISIONER_MAX_CONCURRENT_BUILDS: String(options.maxConcurrentBuilds) }),
    };
    const functionKey = "bench-function-key";
    const child = await spawnDevhost({
      app: APP_ENTRY,
      appRoot: PROJECT_ROOT,
      storageConnectionString: azurite.connectionString,
      env,
      extraArgs: [
        "--key",
        functionKey,
        // Durable timers (poll intervals, back-off) run as much faster as the emulated operations.
        "--clock-factor",
        String(1 / options.timeScale),
        "--min-queue-polling-ms",
        "50",
      ],
      startTimeoutMs: 60_000,
    });
    stops.push(async () => {
      await child.stop("SIGTERM");
    });
    const devhost: BenchDevhost = { url: child.url, pid: child.process.pid };
    const webhook = (path: string) =>
      `${devhost.url}/runtime/webhooks/durabletask/${path}${path.includes("?") ? "&" : "?"}code=${systemKey}`;
    let stopping: Promise<void> | undefined;
    return {
      azurite,
      emulator,
      devhost,
      timeScale: options.timeScale,
      simulatedSecBetween: (fromIso, toIso) =>
        (Date.parse(toIso) - Date.parse(fromIso)) / 1000 / options.timeScale,
      cpu: () => ({
        ...optional("devhost", processCpuSec(devhost.pid)),
        ...optional("devhostMainThread", mainThreadCpuSec(devhost.pid)),
        ...optional("azurite", processCpuSec(azurite.process.pid)),
        emulatorAndScript: ownCpuSec(),
      }),
      log: () => child.output(),
      api: (path, init = {}) =>
        fetch(`${devhost.url}/api/${path}`, {
          ...init,
          headers: {
            "x-functions-key": functionKey,
            ...(init.headers as Record<string, string> | undefined),
          },
        }),
      instanceStatus: (instanceId) =>
        readStatus(webhook(`instances/${encodeURIComponent(instanceId)}?showInput=false`)),
      async engineStats() {
        const response = await fetch(`${devhost.url}${ENGINE_STATS_PATH}`, {
          headers: { "x-functions-key": masterKey },
        });
        if (!response.ok) throw new Error(`${ENGINE_STATS_PATH} answered ${response.status}`);
        return (await response.json()) as EngineReport;
      },
      instanceHistory: (instanceId) =>
        readStatus(webhook(`instances/${encodeURIComponent(instanceId)}?showHistory=true`)),
      async instances(prefix) {
        const all: InstanceStatus[] = [];
        let token: string | undefined;
        // Bounded: a page holds up to `top` instances and a benchmark makes a few thousand at most.
        for (let page = 0; page < 1_000; page++) {
          const response = await fetch(
            webhook(`instances?instanceIdPrefix=${encodeURIComponent(prefix)}&top=500`),
            token ? { headers: { "x-ms-continuation-token": token } } : {},
          );
          all.push(...((await response.json()) as InstanceStatus[]));
          token = response.headers.get("x-ms-continuation-token") ?? undefined;
          if (!token) break;
        }
        return all;
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
