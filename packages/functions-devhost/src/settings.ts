/**
 * The app's `host.json` and `local.settings.json`, read as the Functions host and Core Tools read them:
 * host.json gives the task hub, durable concurrency, queue-trigger and HTTP settings; the local settings'
 * `Values` become environment variables, with variables already set winning.
 */
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { DEFAULT_QUEUE_POLLING, type QueuePollingSettings } from "./durable/queue-polling";
import { parseTimeSpanMs } from "./timespan";

/** Queue-trigger behaviour from `extensions.queues`, with the real host's defaults. */
export interface QueueTriggerSettings {
  /** Failed attempts before a message moves to `<queue>-poison`. @default 5 */
  readonly maxDequeueCount: number;
  /** How long a failed message stays invisible before its retry, in ms. @default 0 */
  readonly visibilityTimeoutMs: number;
  /** Messages fetched, and handled concurrently, per poll of one queue. @default 16 (at most 32) */
  readonly batchSize: number;
  /** A new batch is fetched when fewer than this many messages are in flight. @default batchSize / 2 */
  readonly newBatchThreshold: number;
  /** Longest wait between polls of an empty queue, in ms. @default 60000 */
  readonly maxPollingIntervalMs: number;
  /** How message bodies are encoded on the queue. @default "base64" */
  readonly messageEncoding: "base64" | "none";
}

/** Durable Task settings from `extensions.durableTask`. */
export interface DurableTaskSettings {
  /** Task hub name, with `%Setting%` references resolved against the environment. @default "TestHubName" */
  readonly hubName: string;
  /** @default 10 × the number of processors */
  readonly maxConcurrentActivityFunctions: number;
  /** @default 10 × the number of processors */
  readonly maxConcurrentOrchestratorFunctions: number;
  /**
   * The Azure Storage backend's control-queue polling: `storageProvider.partitionCount` (default 4) and
   * `storageProvider.maxQueuePollingInterval` (default 30 s), which the engine follows unless told to
   * poll fast (`durable/queue-polling.ts`).
   */
  readonly queuePolling: QueuePollingSettings;
}

/** Everything this host takes from `host.json`. */
export interface HostSettings {
  readonly durableTask: DurableTaskSettings;
  readonly queues: QueueTriggerSettings;
  /** `extensions.http.routePrefix`: the path segment before every HTTP route. @default "api" */
  readonly routePrefix: string;
}

/** The parts of `local.settings.json` this host uses. */
export interface LocalSettings {
  /** `Values`: app settings, as strings. */
  readonly values: Readonly<Record<string, string>>;
  /** `Host.LocalHttpPort`. @default - none (the caller's default port applies) */
  readonly localHttpPort?: number;
  /** The file read, relative to the app root. @default - none when neither file exists */
  readonly file?: string;
}

/** Thrown when host.json or local.settings.json is unreadable or invalid; names the file and each problem. */
export interface SettingsError extends Error {
  readonly isSettingsError: true;
  readonly file: string;
}

/** Whether `error` is a {@link SettingsError}. */
export function isSettingsError(error: unknown): error is SettingsError {
  return error instanceof Error && (error as Partial<SettingsError>).isSettingsError === true;
}

function settingsError(file: string, problems: string): SettingsError {
  return Object.assign(new Error(`${file}: ${problems}`), { isSettingsError: true as const, file });
}

/** The value that makes the host use the local storage emulator. */
const DEVELOPMENT_STORAGE = /^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i;
const DEFAULT_HUB_NAME = "TestHubName";
const MAX_QUEUE_BATCH_SIZE = 32;

const timeSpan = z.string().refine((text) => parseTimeSpanMs(text) !== undefined, {
  message: 'expected a TimeSpan such as "00:00:30"',
});
const positiveInt = z.number().int().positive();

const hostJsonSchema = z.looseObject({
  version: z.string().optional(),
  extensions: z
    .looseObject({
      durableTask: z
        .looseObject({
          hubName: z.string().min(1).optional(),
          maxConcurrentActivityFunctions: positiveInt.optional(),
          maxConcurrentOrchestratorFunctions: positiveInt.optional(),
          storageProvider: z
            .looseObject({
              partitionCount: positiveInt.max(16).optional(),
              maxQueuePollingInterval: timeSpan.optional(),
            })
            .optional(),
        })
        .optional(),
      queues: z
        .looseObject({
          maxDequeueCount: positiveInt.optional(),
          visibilityTimeout: timeSpan.optional(),
          batchSize: positiveInt.max(MAX_QUEUE_BATCH_SIZE).optional(),
          newBatchThreshold: z.number().int().nonnegative().optional(),
          maxPollingInterval: timeSpan.optional(),
          messageEncoding: z.enum(["base64", "none"]).optional(),
        })
        .optional(),
      http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
    })
    .optional(),
});

const localSettingsSchema = z.looseObject({
  IsEncrypted: z.boolean().optional(),
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  Host: z.looseObject({ LocalHttpPort: z.number().int().min(0).max(65535).optional() }).optional(),
});

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

function readJson(path: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (error) {
    throw settingsError(file, `cannot be read as JSON (${(error as Error).message})`);
  }
}

/**
 * Replaces `%Name%` references with environment values, as the host resolves binding and hub settings.
 * @throws SettingsError when a referenced setting is not set.
 */
export function resolveAppSettingReferences(
  text: string,
  env: NodeJS.ProcessEnv = process.env,
  file = "host.json",
): string {
  return text.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined)
      throw settingsError(file, `the app setting "${name}" referenced by "${text}" is not set`);
    return value;
  });
}

/**
 * Validates a parsed host.json and fills in the real host's defaults. `%Setting%` references in the hub
 * name are resolved against `env`, so apply the local settings first.
 * @throws SettingsError naming every invalid field.
 */
export function parseHostJson(json: unknown, env: NodeJS.ProcessEnv = process.env): HostSettings {
  const parsed = hostJsonSchema.safeParse(json);
  if (!parsed.success) throw settingsError("host.json", describeIssues(parsed.error));
  const durable = parsed.data.extensions?.durableTask ?? {};
  const queues = parsed.data.extensions?.queues ?? {};
  const defaultConcurrency = 10 * Math.max(1, cpus().length);
  const batchSize = queues.batchSize ?? 16;
  return {
    durableTask: {
      hubName: resolveAppSettingReferences(durable.hubName ?? DEFAULT_HUB_NAME, env),
      maxConcurrentActivityFunctions: durable.maxConcurrentActivityFunctions ?? defaultConcurrency,
      maxConcurrentOrchestratorFunctions: durable.maxConcurrentOrchestratorFunctions ?? defaultConcurrency,
      queuePolling: {
        ...DEFAULT_QUEUE_POLLING,
        ...(durable.storageProvider?.partitionCount === undefined
          ? {}
          : { partitionCount: durable.storageProvider.partitionCount }),
        ...(durable.storageProvider?.maxQueuePollingInterval === undefined
          ? {}
          : { maxIntervalMs: parseTimeSpanMs(durable.storageProvider.maxQueuePollingInterval)! }),
      },
    },
    queues: {
      maxDequeueCount: queues.maxDequeueCount ?? 5,
      visibilityTimeoutMs:
        queues.visibilityTimeout === undefined ? 0 : parseTimeSpanMs(queues.visibilityTimeout)!,
      batchSize,
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor(batchSize / 2),
      maxPollingIntervalMs:
        queues.maxPollingInterval === undefined ? 60_000 : parseTimeSpanMs(queues.maxPollingInterval)!,
      messageEncoding: queues.messageEncoding ?? "base64",
    },
    routePrefix: (parsed.data.extensions?.http?.routePrefix ?? "api").replace(/^\/+|\/+$/g, ""),
  };
}

/**
 * Reads `<appRoot>/host.json`. The real host refuses to start without one; so does this.
 * @throws SettingsError when it is missing or invalid.
 */
export function readHostSettings(appRoot: string, env: NodeJS.ProcessEnv = process.env): HostSettings {
  const path = join(appRoot, "host.json");
  if (!existsSync(path)) throw settingsError("host.json", "not found in the app root");
  return parseHostJson(readJson(path, "host.json"), env);
}

/**
 * Reads `<appRoot>/local.settings.json`, or `local.settings.sample.json` when the app ships only the
 * sample (the real file is usually git-ignored), or nothing when neither exists.
 * @throws SettingsError when the file is invalid or encrypted (this host holds no decryption key).
 */
export function readLocalSettings(appRoot: string): LocalSettings {
  const file = ["local.settings.json", "local.settings.sample.json"].find((name) =>
    existsSync(join(appRoot, name)),
  );
  if (!file) return { values: {} };
  const parsed = localSettingsSchema.safeParse(readJson(join(appRoot, file), file));
  if (!parsed.success) throw settingsError(file, describeIssues(parsed.error));
  if (parsed.data.IsEncrypted) {
    throw settingsError(file, "IsEncrypted is true; decrypt it (func settings decrypt) or set it to false");
  }
  const values = Object.fromEntries(Object.entries(parsed.data.Values ?? {}).map(([k, v]) => [k, String(v)]));
  const localHttpPort = parsed.data.Host?.LocalHttpPort;
  return localHttpPort === undefined ? { values, file } : { values, file, localHttpPort };
}

/** Options for {@link applyLocalSettings}. */
export interface ApplyLocalSettingsOptions {
  /** The environment to fill. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The connection string of the storage emulator actually running; settings whose value is
   * `UseDevelopmentStorage=true` are pointed at it, because the emulator may not be on its default ports.
   * @default - such settings are left as they are
   */
  readonly developmentStorageConnectionString?: string;
}

/**
 * Copies `values` into the environment as Core Tools does: a variable that is already set wins. Then
 * resolves `UseDevelopmentStorage=true` in those settings and in `AzureWebJobsStorage`.
 * @returns the names of the variables this call set or changed.
 */
export function applyLocalSettings(
  values: Readonly<Record<string, string>>,
  options: ApplyLocalSettingsOptions = {},
): string[] {
  const env = options.env ?? process.env;
  const changed = new Set<string>();
  for (const [name, value] of Object.entries(values)) {
    if (env[name] === undefined) {
      env[name] = value;
      changed.add(name);
    }
  }
  const storage = options.developmentStorageConnectionString;
  if (storage) {
    for (const name of new Set([...Object.keys(values), "AzureWebJobsStorage"])) {
      const value = env[name];
      if (value !== undefined && DEVELOPMENT_STORAGE.test(value)) {
        env[name] = storage;
        changed.add(name);
      }
    }
  }
  return [...changed];
}

/** Whether `value` asks for the local storage emulator (`UseDevelopmentStorage=true`). */
export function isDevelopmentStorage(value: string): boolean {
  return DEVELOPMENT_STORAGE.test(value);
}
