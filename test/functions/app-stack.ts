/**
 * A running copy of the app for tests: Azurite (in memory), the Azure emulator at realistic speed (so
 * a started build stays running for the whole test), and the devhost serving `functions/index` over
 * real HTTP with a known function key.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  startDevhost,
  type RunningDevhost,
  startAzurite,
  type RunningAzurite,
} from "@azure-env-provisioner/functions-devhost";
import {
  startEmulator,
  type EntraOptions,
  type RunningEmulator,
} from "@azure-env-provisioner/azure-emulator";
import { writeTestHostJson } from "../support/test-host-json";

/** The app stack and how to call it. */
export interface AppStack {
  readonly azurite: RunningAzurite;
  readonly emulator: RunningEmulator;
  readonly devhost: RunningDevhost;
  /** `fetch` to `<devhost>/api/<path>` with the function key. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** The Durable status of an instance through the extension's webhook (`undefined` when unknown). */
  instanceStatus(instanceId: string): Promise<{ runtimeStatus: string } | undefined>;
  /** Devhost log lines, for diagnosing a failure. */
  readonly log: string[];
  stop(): Promise<void>;
}

/** The subscription of the specs in `examples/`. */
export const EXAMPLE_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000002";

/** The app's entry, from the test's folder (TS under tsx, JS under dist). */
export const APP_ENTRY = join(__dirname, "..", "..", "functions", "index");

/** Options of {@link startAppStack}. */
export interface AppStackOptions {
  /**
   * How long a failed queue message stays hidden before it is delivered again (host.json
   * `extensions.queues.visibilityTimeout`, e.g. `00:00:02`). @default - the app's host.json
   */
  readonly queueVisibilityTimeout?: string;
  /** The emulator's Microsoft Entra ID directory (tenants, APIs, clients, users). @default - the emulator's */
  readonly entra?: EntraOptions;
  /** More app settings, given the emulator (e.g. sign-in settings naming its authority). @default - none */
  readonly settings?: (emulator: RunningEmulator) => Record<string, string>;
}

/** Starts the stack; the process environment gets the emulator and storage settings. */
export async function startAppStack(options: AppStackOptions = {}): Promise<AppStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "provisioner-api-test-"));
  // The app's own host.json in a folder of its own, with queues polled fast and what the test changes.
  const appRoot = mkdtempSync(join(tmpdir(), "provisioner-api-root-"));
  writeTestHostJson(appRoot, (host) => {
    if (options.queueVisibilityTimeout !== undefined)
      host.extensions.queues.visibilityTimeout = options.queueVisibilityTimeout;
  });
  const azurite = await startAzurite();
  const emulator = await startEmulator({
    dataDir,
    timeScale: 1,
    throttling: false,
    ...(options.entra ? { entra: options.entra } : {}),
  });
  process.env.PROVISIONER_ARM_ENDPOINT = emulator.armEndpoint;
  process.env.PROVISIONER_CA_CERT_PATH = emulator.caCertPath;
  // The app authenticates as the emulator's managed identity, as on App Service.
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
  process.env.PROVISIONER_PRINCIPAL_ID = emulator.identityPrincipalId;
  // The examples' subscription; the API refuses specs for any other.
  process.env.PROVISIONER_SUBSCRIPTION_ID = EXAMPLE_SUBSCRIPTION_ID;
  process.env.AzureWebJobsStorage = azurite.connectionString;
  // Tests change what Azure offers between requests: preflight must read it every time.
  process.env.PROVISIONER_PREFLIGHT_CACHE_SEC = "0";
  Object.assign(process.env, options.settings?.(emulator) ?? {});
  const log: string[] = [];
  const devhost = await startDevhost({
    app: APP_ENTRY,
    appRoot,
    port: 0,
    storageConnectionString: azurite.connectionString,
    functionKey: "test-function-key",
    minQueuePollingIntervalMs: 50,
    log: (level, message) => log.push(`${level} ${message}`),
  });
  return {
    azurite,
    emulator,
    devhost,
    log,
    api: (path, init = {}) =>
      fetch(`${devhost.url}/api/${path}`, {
        ...init,
        headers: { "x-functions-key": devhost.key, ...(init.headers as Record<string, string> | undefined) },
      }),
    async instanceStatus(instanceId) {
      const response = await fetch(
        `${devhost.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?code=${devhost.keys.system}`,
      );
      if (response.status === 404) return undefined;
      return (await response.json()) as { runtimeStatus: string };
    },
    async stop() {
      await devhost.stop(2000);
      await emulator.stop();
      await azurite.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(appRoot, { recursive: true, force: true });
    },
  };
}
