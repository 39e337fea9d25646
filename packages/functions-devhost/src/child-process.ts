/**
 * Runs the devhost command as a child process, as a user would: `node main.js --app … --root …`, for
 * tests that must kill and restart a host (crash and resume) or keep its output apart. When this module
 * runs from its TypeScript source (under the tsx loader) the child runs the source too; compiled, the JS
 * (with the tsx loader still, for a TypeScript app entry).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { extname, join } from "node:path";

/** A devhost child process that printed its URL and key. */
export interface DevhostChild {
  readonly url: string;
  readonly key: string;
  readonly process: ChildProcess;
  /** Everything the child printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends `signal` and waits for the exit, up to 10 s. @returns the exit code, or the signal's name */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Options for {@link spawnDevhost}. */
export interface SpawnDevhostOptions {
  readonly app: string;
  readonly appRoot: string;
  readonly storageConnectionString: string;
  /**
   * Extra environment for the child, on top of this process's: how an app's settings (e.g. the
   * emulator's endpoints and managed identity) reach a devhost child. @default - none
   */
  readonly env?: Record<string, string>;
  readonly extraArgs?: readonly string[];
  /** @default 30000 */
  readonly startTimeoutMs?: number;
}

const sourceExtension = extname(__filename);
/** The devhost command, next to this module. */
const mainModule = join(__dirname, `main${sourceExtension}`);
/**
 * The child needs the tsx loader when it runs the devhost's sources, or when the app it loads is
 * TypeScript (a caller's test running from source hands over its `.ts` entry).
 */
const loaderArgsFor = (app: string): string[] =>
  sourceExtension === ".ts" || /\.[cm]?ts$/.test(app) ? ["--import", "tsx"] : [];

/**
 * V8 flags of the devhost's process, for the two-core machines it is made for, where it shares the CPU
 * with Azurite and the emulator (figures: bench/README.md):
 * - `--single-threaded-gc`: the garbage collector runs on the main thread. V8's parallel and concurrent
 *   GC helper threads cost more CPU than they spared the main thread: without them, a staging build on
 *   a host that had built before took 0.4 to 0.6 s less helper-thread CPU and no more main-thread CPU
 *   (a fresh host's first build the same in all); for pauses of a few milliseconds on the devhost's heap.
 * - `--no-memory-reducer`: no full collections to shrink the heap once work stops; an idle devhost spent
 *   most of its CPU on them (0.5 s a minute, 0.16 s without). The heap keeps its size until work
 *   allocates again.
 */
export const DEVHOST_V8_FLAGS: readonly string[] = ["--single-threaded-gc", "--no-memory-reducer"];

/** Starts the devhost command on a free port and resolves once it prints `Devhost listening on <url>`. */
export async function spawnDevhost(options: SpawnDevhostOptions): Promise<DevhostChild> {
  const child = spawn(
    process.execPath,
    [
      ...DEVHOST_V8_FLAGS,
      ...loaderArgsFor(options.app),
      mainModule,
      "--app",
      options.app,
      "--root",
      options.appRoot,
      "--storage",
      options.storageConnectionString,
      "--port",
      "0",
      ...(options.extraArgs ?? []),
    ],
    { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );

  const ready = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`devhost did not start in time:\n${output}`));
    }, options.startTimeoutMs ?? 30_000);
    const check = () => {
      const url = /Devhost listening on (\S+)/.exec(output)?.[1];
      const key = /Function key: (\S+)/.exec(output)?.[1];
      if (url && key) {
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolve({ url, key });
      }
    };
    child.stdout.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`devhost exited (${code}) before it was ready:\n${output}`));
    });
  });

  return {
    ...ready,
    process: child,
    output: () => output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
