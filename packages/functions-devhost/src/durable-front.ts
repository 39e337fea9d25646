/**
 * The durable side of the devhost's front: starts the engine on the app's storage, serves the management
 * API's RPC routes on their own loopback port (as the real host serves them on 17071, without a key),
 * mounts the public webhooks (`/runtime/webhooks/durabletask/…`, system key) on the HTTP host, and hands
 * every function with a durable client input its binding payload, so `df.getClient(context)` works.
 */
import { createServer } from "node:http";
import type { BindingMetadata, CapturedFunction, FunctionRegistry } from "./contracts";
import { AzureStorageDurableEngine } from "./durable";
import { durableClientBinding, WEBHOOK_BASE_PATH } from "./durable/client-binding";
import { hubClock } from "./durable/hub-clock";
import { createManagementHandler, type ManagementHandler } from "./durable/management-api";
import type { FunctionKeys } from "./function-keys";
import type { HttpMount } from "./http-host";
import type { OutputBindingWriter } from "./output-bindings";
import { listenOnLoopback, type LoopbackListener } from "./loopback-server";
import type { DevhostLog, ExtraInputsProvider } from "./invoke";
import type { HostSettings } from "./settings";

/** Options for {@link startDurableFront}. */
export interface DurableFrontOptions {
  readonly registry: FunctionRegistry;
  readonly hostSettings: HostSettings;
  readonly keys: FunctionKeys;
  /** Durable timers run this many times faster. @default 1 */
  readonly clockFactor?: number;
  /** Real ms an engine lease lasts without renewal; a killed host's work resumes after it. @default 30000 */
  readonly leaseMs?: number;
  /**
   * How durable timers are noticed: `"host"` as the Azure Storage backend would with host.json's
   * `storageProvider` settings (up to `maxQueuePollingInterval` late on an idle control queue, see
   * `durable/queue-polling.ts`); `"fast"` at the engine's next 250 ms scan (tests that are not about
   * timing). @default "host"
   */
  readonly queuePolling?: "host" | "fast";
  /** Where the storage connection setting is read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Writes activities' output bindings. @default - the engine's default */
  readonly outputs?: OutputBindingWriter;
  readonly log: DevhostLog;
}

/** The running durable side; inert (no engine) when the app has no durable functions. */
export interface RunningDurableFront {
  /** Durable client payloads for the functions that declare a durable client input. */
  readonly extraInputs: ExtraInputsProvider;
  /** The public webhooks, to mount on the HTTP host. */
  readonly mounts: readonly HttpMount[];
  /** The origin of the HTTP host, once it listens: the payload's public URLs point there. */
  setHostUrl(url: string): void;
  stop(graceMs: number): Promise<void>;
}

/** Where the RPC routes live on their own port, as the real host's `rpcBaseUrl` path. */
const RPC_BASE_PATH = "/durabletask/";
/** Where the engine's counters are read (GET, master key). */
export const ENGINE_STATS_PATH = "/admin/devhost/durable/stats";
/** The storage connection the Durable extension uses unless host.json names another. */
const STORAGE_CONNECTION_SETTING = "AzureWebJobsStorage";
const DURABLE_TRIGGERS = ["orchestrationTrigger", "activityTrigger", "entityTrigger"];

function isDurableClientBinding(binding: BindingMetadata): boolean {
  const type = binding.type.toLowerCase();
  return binding.direction === "in" && (type === "durableclient" || type === "orchestrationclient");
}

function usesDurable(registry: FunctionRegistry): boolean {
  return (
    DURABLE_TRIGGERS.some((type) => registry.byTriggerType(type).length > 0) ||
    [...registry.functions.values()].some((fn) => Object.values(fn.bindings).some(isDurableClientBinding))
  );
}

const noDurable: RunningDurableFront = {
  extraInputs: () => ({}),
  mounts: [],
  setHostUrl: () => undefined,
  stop: async () => undefined,
};

/**
 * Starts the engine and the RPC listener when the app uses Durable Functions.
 * @throws Error when the storage connection setting is unset.
 */
export async function startDurableFront(options: DurableFrontOptions): Promise<RunningDurableFront> {
  if (!usesDurable(options.registry)) return noDurable;
  const env = options.env ?? process.env;
  const connectionString = env[STORAGE_CONNECTION_SETTING];
  if (!connectionString) {
    throw new Error(
      `the durable engine needs the ${STORAGE_CONNECTION_SETTING} setting (local.settings.json Values)`,
    );
  }
  const { durableTask } = options.hostSettings;
  const engineLevels = { info: "information", warning: "warning", error: "error" } as const;
  const engine = new AzureStorageDurableEngine({
    connectionString,
    taskHubName: durableTask.hubName,
    registry: options.registry,
    maxConcurrentActivityFunctions: durableTask.maxConcurrentActivityFunctions,
    maxConcurrentOrchestratorFunctions: durableTask.maxConcurrentOrchestratorFunctions,
    // Continued from what the hub stored, so a restart never puts saved timers and leases in the future.
    clock: await hubClock(connectionString, durableTask.hubName, options.clockFactor ?? 1),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    queuePolling: options.queuePolling === "fast" ? "fixed" : durableTask.queuePolling,
    ...(options.outputs ? { outputs: options.outputs } : {}),
    log: (level, message) => options.log(engineLevels[level], `[durable] ${message}`),
  });
  await engine.start();

  const handler: ManagementHandler = createManagementHandler({
    engine,
    taskHubName: durableTask.hubName,
    rpcBasePath: RPC_BASE_PATH,
    webhookBasePath: WEBHOOK_BASE_PATH,
    // No systemKey: the HTTP host checks keys before the mount is reached, and also admits the master key.
  });
  const rpcServer = createServer((request, response) => {
    handler(request, response).then(
      (handled) => {
        if (!handled) response.writeHead(404).end();
      },
      () => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      },
    );
  });
  let rpcListener: LoopbackListener;
  try {
    rpcListener = await listenOnLoopback(rpcServer, 0);
  } catch (error) {
    await engine.stop(0);
    throw error;
  }
  const rpcBaseUrl = `http://127.0.0.1:${rpcListener.port}${RPC_BASE_PATH}`;
  let hostUrl = "http://127.0.0.1:7071";

  return {
    extraInputs(fn: CapturedFunction) {
      const inputs: Record<string, unknown> = {};
      for (const [name, binding] of Object.entries(fn.bindings)) {
        if (!isDurableClientBinding(binding)) continue;
        // Fresh per invocation: nothing a handler does to its payload reaches the next one.
        inputs[name] = durableClientBinding({
          taskHubName: durableTask.hubName,
          origin: hostUrl,
          rpcBaseUrl,
          systemKey: options.keys.system,
        });
      }
      return inputs;
    },
    mounts: [
      {
        // The engine's counters (episodes, activities, table requests by kind), for benchmarks: the
        // devhost's own, so an admin path (the master key), outside the Durable extension's webhooks.
        pathPrefix: ENGINE_STATS_PATH,
        accessLevel: "admin",
        async handle(request, response, url) {
          if (request.method !== "GET" || url.pathname !== ENGINE_STATS_PATH) {
            response.writeHead(404).end();
            return;
          }
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(engine.stats));
        },
      },
      {
        pathPrefix: `${WEBHOOK_BASE_PATH}/`,
        accessLevel: "system",
        async handle(request, response) {
          if (!(await handler(request, response))) response.writeHead(404).end();
        },
      },
    ],
    setHostUrl(url: string) {
      hostUrl = url;
    },
    async stop(graceMs: number) {
      // The engine drains first: its in-flight work may still answer RPC calls of running functions.
      await engine.stop(graceMs);
      await rpcListener.close(0);
    },
  };
}
