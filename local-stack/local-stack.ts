/**
 * `npm start`: the whole product on one machine. Starts Azurite (data kept in `.local/azurite`), the
 * Azure emulator (certificates and state in `.local/emulator`) unless a real subscription is
 * configured, and the devhost serving this app (`dist/functions/index.js`) with the provisioner
 * settings pointed at the emulator; prints the API URL, the function key, the dashboard's URL, the
 * envctl login that sets up the CLI and curl lines that submit the example; stops everything on Ctrl-C (SIGINT) or SIGTERM.
 *
 * Settings (environment, or `local.settings.json` Values):
 * - `EMULATOR_TIME_SCALE`: multiplier of real Azure durations in the emulator (1 = realistic).
 *   @default - so that `examples/staging.yaml` builds in about {@link TARGET_EXAMPLE_BUILD_SEC} seconds
 * - `PROVISIONER_SUBSCRIPTION_IDS` (or the older `PROVISIONER_SUBSCRIPTION_ID`): when set, builds go to
 *   real Azure, in those subscriptions only, and no emulator starts. Unset, the emulator serves every
 *   subscription and the app builds in whichever one a spec names.
 * - `PROVISIONER_PRINCIPAL_ID`: on the emulator, the object id of the emulator's managed identity, which
 *   the app runs as. @default {@link LOCAL_STACK_PRINCIPAL_ID}
 * - `LOCAL_STACK_PORT`: the API's port. @default local settings' `Host.LocalHttpPort`, else 7071
 * - `LOCAL_STACK_DATA_DIR`: where Azurite and the emulator keep their data. @default `<project>/.local`
 * - `DEVHOST_FUNCTION_KEY`: the function key. @default - generated once per data folder and kept in
 *   `<data>/function-key` (mode 0600), so `envctl login` and dashboard bookmarks survive restarts
 * - `PROVISIONER_AUTH=entra`: callers sign in; the app validates the emulator's Entra ID tokens, its
 *   authority (`PROVISIONER_AUTH_AUTHORITY`) the emulator's. @default - function keys alone
 * - `EMULATOR_ENTRA`: the emulator's Entra ID directory (tenants, APIs, clients, users; JSON or @file).
 * - `EMULATOR_PORT`: the emulator's ARM port. @default - the port of the previous start on this data
 *   folder (kept in `<data>/emulator/ports.json`: operation URLs saved in Durable history name it), else
 *   a free port
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import {
  startEmulator,
  type EntraOptions,
  type RunningEmulator,
} from "@azure-env-provisioner/azure-emulator";
import {
  startAzurite,
  type RunningAzurite,
  findAppRoot,
  startDevhost,
  type RunningDevhost,
  readLocalSettings,
} from "@azure-env-provisioner/functions-devhost";
import { criticalPath, planEnvironment } from "../lib/plan";
import { validateSpec } from "../lib/spec/validate";
import { LOCAL_STACK_PRINCIPAL_ID } from "../lib/config";

/** How long the example environment should take to build on the emulator by default, in seconds. */
export const TARGET_EXAMPLE_BUILD_SEC = 60;
/** Used when the example cannot be planned (e.g. it was removed): about 30× faster than Azure. */
const FALLBACK_TIME_SCALE = 1 / 30;
/** The example `npm start` suggests submitting. */
const EXAMPLE_SPEC = join("examples", "staging.yaml");

/** Where things are and how they run; see the file comment for the settings behind each. */
export interface LocalStackOptions {
  readonly projectRoot: string;
  readonly dataDir: string;
  readonly port?: number;
  /** `undefined` in real-Azure mode. */
  readonly timeScale?: number;
  /** The emulator's ARM port, when set (`EMULATOR_PORT`); else the data folder's, else a free one. */
  readonly emulatorPort?: number;
  /** The principal the app provisions as on the emulator: its managed identity's object id. */
  readonly principalId: string;
  readonly realAzure: boolean;
  /** Where the devhost's log lines go. @default - standard output, as `npm start` shows them */
  readonly devhostLog?: (level: string, message: string) => void;
  /** Callers sign in with the emulator's Entra ID (`PROVISIONER_AUTH=entra`). @default false */
  readonly signIn?: boolean;
  /** The emulator's Entra ID directory (`EMULATOR_ENTRA`, JSON or `@file`). @default - the emulator's */
  readonly entra?: EntraOptions;
}

/** A running local stack. */
export interface RunningLocalStack {
  readonly devhost: RunningDevhost;
  readonly emulator?: RunningEmulator;
  readonly azurite: RunningAzurite;
  /** Stops the devhost, then the emulator, then Azurite. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The time scale at which the example's critical path (the plan's lower bound on build time) lasts
 * about {@link TARGET_EXAMPLE_BUILD_SEC}.
 */
export function defaultTimeScale(projectRoot: string): number {
  try {
    const validation = validateSpec(readFileSync(join(projectRoot, EXAMPLE_SPEC), "utf8"));
    if (!validation.ok) return FALLBACK_TIME_SCALE;
    const plan = planEnvironment(validation.spec, {
      provisionerPrincipalId: LOCAL_STACK_PRINCIPAL_ID,
      provisionerIpRanges: ["127.0.0.1/32"],
    });
    const lengthSec = criticalPath(plan.nodes).lengthSec;
    return lengthSec > 0 ? Math.min(1, TARGET_EXAMPLE_BUILD_SEC / lengthSec) : FALLBACK_TIME_SCALE;
  } catch {
    return FALLBACK_TIME_SCALE;
  }
}

function positiveNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

/** Reads the options from the environment and the project's local settings. */
export function localStackOptions(
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): LocalStackOptions {
  const values = readLocalSettings(projectRoot).values;
  const setting = (name: string) => (env[name]?.trim() ? env[name] : values[name]);
  const realAzure = ["PROVISIONER_SUBSCRIPTION_IDS", "PROVISIONER_SUBSCRIPTION_ID"].some((name) =>
    Boolean(setting(name)?.trim()),
  );
  const entra = setting("EMULATOR_ENTRA")?.trim();
  const port = env.LOCAL_STACK_PORT === undefined ? undefined : Number(env.LOCAL_STACK_PORT);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new Error(`LOCAL_STACK_PORT must be a port number, got "${env.LOCAL_STACK_PORT}"`);
  }
  return {
    projectRoot,
    dataDir: resolve(env.LOCAL_STACK_DATA_DIR ?? join(projectRoot, ".local")),
    ...(port === undefined ? {} : { port }),
    ...(realAzure
      ? {}
      : {
          timeScale:
            positiveNumber("EMULATOR_TIME_SCALE", setting("EMULATOR_TIME_SCALE")) ??
            defaultTimeScale(projectRoot),
        }),
    ...(env.EMULATOR_PORT?.trim() ? { emulatorPort: Number(env.EMULATOR_PORT) } : {}),
    principalId: setting("PROVISIONER_PRINCIPAL_ID")?.trim() || LOCAL_STACK_PRINCIPAL_ID,
    realAzure,
    ...(setting("PROVISIONER_AUTH")?.trim().toLowerCase() === "entra" ? { signIn: true } : {}),
    ...(entra
      ? {
          entra: JSON.parse(
            entra.startsWith("@") ? readFileSync(entra.slice(1), "utf8") : entra,
          ) as EntraOptions,
        }
      : {}),
  };
}

/**
 * The app settings that point the provisioner at a running emulator: its ARM endpoint and CA, its
 * managed-identity endpoint (what App Service gives an app with a managed identity) and the identity's
 * principal. No subscription allow-list: the emulator serves every subscription, so a newcomer's own spec
 * (naming their own subscription) builds as it is; with sign-in on, the emulator as the Entra ID
 * authority.
 */
export function appSettingsOnEmulator(emulator: RunningEmulator, signIn = false): Record<string, string> {
  return {
    ...(signIn ? { PROVISIONER_AUTH_AUTHORITY: emulator.entra.authority } : {}),
    PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
    PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
    PROVISIONER_PRINCIPAL_ID: emulator.identityPrincipalId,
    IDENTITY_ENDPOINT: emulator.identityEndpoint,
    IDENTITY_HEADER: emulator.identityHeader,
  };
}

/** Where the emulator's ports of the last start on a data folder are kept. */
function portsFileOf(emulatorDir: string): string {
  return join(emulatorDir, "ports.json");
}

/** The ARM port the emulator had the last time it ran on `emulatorDir`, if any. */
export function savedEmulatorPort(emulatorDir: string): number | undefined {
  try {
    const saved = JSON.parse(readFileSync(portsFileOf(emulatorDir), "utf8")) as { arm?: unknown };
    return typeof saved.arm === "number" && Number.isInteger(saved.arm) ? saved.arm : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the emulator on `port` (0: a free one). A port the data folder remembers must be had again:
 * operation-status URLs in saved Durable history name it, and resumed builds would poll nothing.
 */
async function startEmulatorOn(
  port: number,
  remembered: boolean,
  start: (port: number) => Promise<RunningEmulator>,
): Promise<RunningEmulator> {
  try {
    return await start(port);
  } catch (error) {
    if (remembered && (error as { code?: string }).code === "EADDRINUSE") {
      throw new Error(
        `the emulator's port ${port} is in use; builds saved in this data folder reach the emulator there. ` +
          "Stop what holds the port (an earlier local stack?), or start on another LOCAL_STACK_DATA_DIR",
        { cause: error },
      );
    }
    throw error;
  }
}

/** Where the data folder keeps its function key: `envctl login … --key-stdin < <this file>` reads it. */
export function functionKeyFileOf(dataDir: string): string {
  return join(dataDir, "function-key");
}

/**
 * The function key of this data folder: the saved one, else a new one saved (owner-only), so it stays
 * the same across restarts and can be handed to envctl by file instead of on a command line.
 */
export function dataFolderFunctionKey(dataDir: string): string {
  const file = functionKeyFileOf(dataDir);
  try {
    const saved = readFileSync(file, "utf8").trim();
    if (saved !== "") return saved;
  } catch {
    // None yet.
  }
  const key = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Starts Azurite, the emulator (unless real Azure) and the devhost; on failure stops what started. */
export async function startLocalStack(options: LocalStackOptions): Promise<RunningLocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const azurite = await startAzurite({ location: join(options.dataDir, "azurite") });
    stops.push(() => azurite.stop());
    let emulator: RunningEmulator | undefined;
    if (!options.realAzure) {
      const emulatorDir = join(options.dataDir, "emulator");
      const rememberedPort = savedEmulatorPort(emulatorDir);
      const port = options.emulatorPort ?? rememberedPort ?? 0;
      emulator = await startEmulatorOn(
        port,
        options.emulatorPort === undefined && rememberedPort !== undefined,
        (port) =>
          startEmulator({
            port,
            dataDir: emulatorDir,
            // Durable state survives restarts in Azurite; the emulated resources must survive with it.
            stateFile: join(emulatorDir, "state.json"),
            timeScale: options.timeScale ?? 1,
            // The app authenticates as this identity (App Service protocol) and grants it its roles.
            managedIdentity: { principalId: options.principalId },
            ...(options.entra ? { entra: options.entra } : {}),
          }),
      );
      mkdirSync(emulatorDir, { recursive: true });
      writeFileSync(
        portsFileOf(emulatorDir),
        JSON.stringify({ arm: Number(new URL(emulator.armEndpoint).port) }),
      );
      const running = emulator;
      stops.push(() => running.stop());
      // Variables already set win over local.settings.json, so these reach the app's configuration.
      Object.assign(process.env, appSettingsOnEmulator(emulator, options.signIn));
    }
    const app = join(options.projectRoot, "dist", "functions", "index.js");
    if (!existsSync(app)) throw new Error(`${relative(process.cwd(), app)} is missing; run npm run build`);
    const devhost = await startDevhost({
      app,
      appRoot: options.projectRoot,
      storageConnectionString: azurite.connectionString,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.devhostLog ? { log: options.devhostLog } : {}),
      // A key set in the environment wins (the devhost reads it); else this data folder's own.
      ...(process.env.DEVHOST_FUNCTION_KEY?.trim()
        ? {}
        : { functionKey: dataFolderFunctionKey(options.dataDir) }),
      // Durable timers (poll intervals, back-off) run as much faster as the emulated operations.
      clockFactor: 1 / (options.timeScale ?? 1),
    });
    stops.push(() => devhost.stop());
    let stopping: Promise<void> | undefined;
    return {
      devhost,
      azurite,
      ...(emulator ? { emulator } : {}),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What the user reads once the stack is up: where the API is, the key, and how to submit the example. */
export function describeLocalStack(stack: RunningLocalStack, options: LocalStackOptions): string {
  const api = `${stack.devhost.url}/api`;
  const key = stack.devhost.key;
  // The saved key is handed over by file (out of shell history); a key from the environment, by stdin.
  const keyFile = process.env.DEVHOST_FUNCTION_KEY?.trim()
    ? "<(printenv DEVHOST_FUNCTION_KEY)"
    : relative(process.cwd(), functionKeyFileOf(options.dataDir)) || functionKeyFileOf(options.dataDir);
  const backend = stack.emulator
    ? `Azure emulator ${stack.emulator.armEndpoint} (time scale ${options.timeScale?.toPrecision(3)}; EMULATOR_TIME_SCALE=1 for realistic timings), any subscription, as managed identity ${stack.emulator.identityPrincipalId}`
    : "real Azure (PROVISIONER_SUBSCRIPTION_IDS is set; no emulator)";
  return [
    "",
    "Local stack ready",
    `  API:           ${api}   (OpenAPI: ${api}/openapi.json)`,
    `  Function key:  ${key}`,
    `  Provisioning:  ${backend}`,
    `  Storage:       Azurite, data in ${relative(process.cwd(), join(options.dataDir, "azurite")) || "."}`,
    `  Dashboard:     ${api}/dashboard?code=${key}`,
    "",
    "Use it with envctl (the key goes from its file into your profile, ~/.config/envctl/profile.json, mode 0600):",
    `  node bin/envctl.js login ${stack.devhost.url} --key-stdin < ${keyFile}`,
    `  node bin/envctl.js apply ${EXAMPLE_SPEC}        # the diff, then the build, live`,
    "",
    "Or with curl:",
    `  curl -sS -X POST "${api}/environments" -H "x-functions-key: ${key}" -H "content-type: application/yaml" --data-binary @${EXAMPLE_SPEC}`,
    `  curl -sS "${api}/environments/acme-staging" -H "x-functions-key: ${key}"`,
    "",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}

/** The command: start, print, and stop cleanly on SIGINT/SIGTERM (a second signal forces the exit). */
async function main(): Promise<void> {
  const projectRoot = findAppRoot(__filename);
  let options: LocalStackOptions;
  let stack: RunningLocalStack;
  try {
    options = localStackOptions(projectRoot);
    stack = await startLocalStack(options);
  } catch (error) {
    console.error(`local stack: failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  console.log(describeLocalStack(stack, options));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      stack.azurite.process.kill("SIGKILL");
      process.exit(130);
    }
    console.log(`local stack: ${signal}, stopping (send it again to force)`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`local stack: stop failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

if (require.main === module) void main();
