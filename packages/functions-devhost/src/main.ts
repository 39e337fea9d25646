/**
 * The devhost: runs an `@azure/functions` v4 + `durable-functions` 3.x app locally as the Functions host
 * would — settings into the environment, registrations captured, the durable engine on Azure Storage
 * (Azurite), HTTP triggers and the Durable webhooks on one loopback port, and queue pollers.
 *
 * As a library: `startDevhost(options) → { url, key, stop() }`. As a command:
 * `node packages/functions-devhost/dist/src/main.js --app <entry module> [--root <dir>] [--port N] [--storage <conn>] [--key K]`
 * (plus `--clock-factor F`, `--lease-ms MS`, `--min-queue-polling-ms MS` and `--durable-polling host|fast`
 * for tests and benchmarks).
 */
import { constants } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { findAppRoot } from "./app-root";
import { assertRunnable } from "./binding-support";
import type { FunctionRegistry } from "./contracts";
import { startDurableFront, type RunningDurableFront } from "./durable-front";
import { resolveFunctionKeys, type FunctionKeys } from "./function-keys";
import { startHttpHost, type RunningHttpHost } from "./http-host";
import { consoleLog, describeError, type DevhostLog } from "./invoke";
import { isQueueTriggerConfigError, startQueueTriggers, type RunningQueueTriggers } from "./queue-triggers";
import { isRegistrationError, loadFunctionApp } from "./registry";
import { StorageOutputBindings } from "./output-bindings";
import { isRouteTemplateError } from "./routes";
import {
  applyLocalSettings,
  isSettingsError,
  readHostSettings,
  readLocalSettings,
  type HostSettings,
} from "./settings";

/** Options for {@link startDevhost}. */
export interface DevhostOptions {
  /** The app's entry module (compiled JS, or TS when running under a loader such as tsx). */
  readonly app: string;
  /** Folder holding `host.json` and `local.settings.json`. @default - the nearest one above `app`, else the cwd */
  readonly appRoot?: string;
  /** Loopback HTTP port; 0 picks a free one. @default local settings' `Host.LocalHttpPort`, else 7071 */
  readonly port?: number;
  /**
   * Connection string of the storage (Azurite) actually running: settings that say
   * `UseDevelopmentStorage=true` are pointed at it. @default - settings are used as they are
   */
  readonly storageConnectionString?: string;
  /** Function key for `function`-level routes. @default `DEVHOST_FUNCTION_KEY`, else generated */
  readonly functionKey?: string;
  /** Time runs this many times faster for durable timers (tests). @default 1 */
  readonly clockFactor?: number;
  /**
   * Real ms a durable lease lasts without renewal: after a crash, the dead host's running orchestrations
   * and activities resume once their leases run out. @default 30000
   */
  readonly durableLeaseMs?: number;
  /** Shortest queue polling interval in ms (the host's is 100). @default 100 */
  readonly minQueuePollingIntervalMs?: number;
  /**
   * How durable timers are noticed: `"host"` as the Functions host's Azure Storage backend would, with
   * host.json's `storageProvider.maxQueuePollingInterval` and `partitionCount`; `"fast"` within the
   * engine's 250 ms scan, for tests that are not about timing. @default "host"
   */
  readonly durablePolling?: "host" | "fast";
  /** @default console */
  readonly log?: DevhostLog;
}

/** A running devhost. */
export interface RunningDevhost {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The function key (`x-functions-key` or `?code=`). */
  readonly key: string;
  readonly keys: FunctionKeys;
  readonly hostSettings: HostSettings;
  readonly registry: FunctionRegistry;
  /** Stops taking work, drains HTTP, queue and durable work up to `graceMs`, then closes. @default 10000 */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the devhost for one app: local settings into `process.env` (variables already set win), host.json,
 * the app's registrations, the durable engine, the HTTP host and the queue pollers.
 * @throws SettingsError, RegistrationError (including an app with what the devhost cannot run, see
 *   `assertRunnable`), RouteTemplateError or QueueTriggerConfigError before anything is left running.
 */
export async function startDevhost(options: DevhostOptions): Promise<RunningDevhost> {
  const log = options.log ?? consoleLog;
  const appRoot = resolve(options.appRoot ?? findAppRoot(options.app));
  const localSettings = readLocalSettings(appRoot);
  applyLocalSettings(localSettings.values, {
    ...(options.storageConnectionString
      ? { developmentStorageConnectionString: options.storageConnectionString }
      : {}),
  });
  // --storage is the storage to use: an app whose settings name none gets it as AzureWebJobsStorage.
  if (options.storageConnectionString) process.env.AzureWebJobsStorage ??= options.storageConnectionString;
  const hostSettings = readHostSettings(appRoot);
  const registry = loadFunctionApp(options.app);
  // Before anything runs: an app with a trigger, binding or hook this host would not honour is refused.
  assertRunnable(registry);
  const outputs = new StorageOutputBindings({ messageEncoding: hostSettings.queues.messageEncoding });
  const { keys } = resolveFunctionKeys(options.functionKey ? { function: options.functionKey } : {});

  const started: { stop(graceMs: number): Promise<void> }[] = [];
  const stopAll = async (graceMs: number) => {
    // Front doors first, so no new work reaches the engine while it drains; one deadline for all parts.
    const deadline = Date.now() + graceMs;
    for (const part of [...started].reverse()) await part.stop(Math.max(0, deadline - Date.now()));
  };
  try {
    const durable: RunningDurableFront = await startDurableFront({
      registry,
      hostSettings,
      keys,
      clockFactor: options.clockFactor ?? 1,
      ...(options.durableLeaseMs === undefined ? {} : { leaseMs: options.durableLeaseMs }),
      queuePolling: options.durablePolling ?? "host",
      outputs,
      log,
    });
    started.push(durable);
    const http: RunningHttpHost = await startHttpHost({
      registry,
      keys,
      port: options.port ?? localSettings.localHttpPort ?? 7071,
      routePrefix: hostSettings.routePrefix,
      extraInputs: durable.extraInputs,
      mounts: durable.mounts,
      outputs,
      log,
    });
    started.push(http);
    durable.setHostUrl(http.url);
    // Core Tools sets this; the durable client then keeps the URLs this host hands it.
    process.env.WEBSITE_HOSTNAME ??= `127.0.0.1:${http.port}`;
    const queues: RunningQueueTriggers = await startQueueTriggers({
      registry,
      settings: hostSettings.queues,
      extraInputs: durable.extraInputs,
      outputs,
      ...(options.minQueuePollingIntervalMs === undefined
        ? {}
        : { minPollingIntervalMs: options.minQueuePollingIntervalMs }),
      log,
    });
    started.push(queues);

    log("information", "Functions:");
    for (const route of http.routes) {
      log(
        "information",
        `  ${route.name}: [${route.methods.join(",")}] ${http.url}${route.path} (${route.authLevel})`,
      );
    }
    for (const listener of queues.listeners) {
      log("information", `  ${listener.functionName}: queueTrigger on '${listener.queueName}'`);
    }
    let stopping: Promise<void> | undefined;
    return {
      url: http.url,
      key: keys.function,
      keys,
      hostSettings,
      registry,
      stop(graceMs = 10_000) {
        stopping ??= stopAll(graceMs);
        return stopping;
      },
    };
  } catch (error) {
    await stopAll(1000);
    throw error;
  }
}

/** Parses the command line; `undefined` values fall back to settings and defaults. */
export function parseDevhostArgs(argv: readonly string[]): DevhostOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      app: { type: "string" },
      root: { type: "string" },
      port: { type: "string" },
      storage: { type: "string" },
      key: { type: "string" },
      "clock-factor": { type: "string" },
      "lease-ms": { type: "string" },
      "min-queue-polling-ms": { type: "string" },
      "durable-polling": { type: "string" },
    },
    strict: true,
  });
  if (!values.app) throw new Error("--app <entry module> is required");
  const number = (name: string, text: string | undefined, minimum: "zero" | "positive") => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || (minimum === "positive" && value === 0)) {
      throw new Error(`--${name} must be a ${minimum === "zero" ? "non-negative" : "positive"} number`);
    }
    return value;
  };
  const port = number("port", values.port, "zero");
  const durablePolling = values["durable-polling"];
  if (durablePolling !== undefined && durablePolling !== "host" && durablePolling !== "fast")
    throw new Error('--durable-polling must be "host" or "fast"');
  const clockFactor = number("clock-factor", values["clock-factor"], "positive");
  const durableLeaseMs = number("lease-ms", values["lease-ms"], "positive");
  const minQueuePollingIntervalMs = number(
    "min-queue-polling-ms",
    values["min-queue-polling-ms"],
    "positive",
  );
  return {
    app: values.app,
    ...(values.root ? { appRoot: values.root } : {}),
    ...(port === undefined ? {} : { port }),
    ...(values.storage ? { storageConnectionString: values.storage } : {}),
    ...(values.key ? { functionKey: values.key } : {}),
    ...(clockFactor === undefined ? {} : { clockFactor }),
    ...(durableLeaseMs === undefined ? {} : { durableLeaseMs }),
    ...(minQueuePollingIntervalMs === undefined ? {} : { minQueuePollingIntervalMs }),
    ...(durablePolling === undefined ? {} : { durablePolling }),
  };
}

/** The command: starts, prints the URL and key, and stops cleanly on SIGINT/SIGTERM (a second one forces). */
export async function runDevhostCommand(argv: readonly string[]): Promise<void> {
  let options: DevhostOptions;
  try {
    options = parseDevhostArgs(argv);
  } catch (error) {
    console.error(`devhost: ${(error as Error).message}`);
    console.error(
      "usage: devhost --app <entry module> [--root <dir>] [--port N] [--storage <conn>] [--key K] [--clock-factor F] [--lease-ms MS] [--min-queue-polling-ms MS] [--durable-polling host|fast]",
    );
    process.exitCode = 2;
    return;
  }
  // Handlers first: a signal that arrives while starting must not kill the process silently.
  let devhost: RunningDevhost | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // Nothing to drain yet, or asked twice: durable state is checkpointed, so leaving at once is safe.
    if (signals > 1 || !devhost) process.exit(128 + (constants.signals[signal] ?? 0));
    console.log(`devhost: ${signal}, draining (send it again to force)`);
    devhost.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`devhost: stop failed: ${describeError(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    devhost = await startDevhost(options);
  } catch (error) {
    console.error(
      `devhost: failed to start: ${isConfigurationError(error) ? error.message : describeError(error)}`,
    );
    process.exit(1);
  }
  console.log(`Function key: ${devhost.key}`);
  console.log(`Devhost listening on ${devhost.url}`);
}

/** Errors that describe a problem in the app or its settings: their message is the whole story. */
function isConfigurationError(error: unknown): error is Error {
  return (
    isSettingsError(error) ||
    isRegistrationError(error) ||
    isRouteTemplateError(error) ||
    isQueueTriggerConfigError(error)
  );
}

if (require.main === module) void runDevhostCommand(process.argv.slice(2));
