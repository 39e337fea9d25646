/**
 * The local stack `npm start` runs (Azurite, the emulator, the devhost serving the app), started in this
 * process at a small time scale so builds take seconds, and envctl run as a user runs it: the real
 * program (`bin/envctl.js`) in a child process, with its profile in a folder of the test's own.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";
import { LOCAL_STACK_PRINCIPAL_ID } from "../../lib/config";
import { startLocalStack, type RunningLocalStack } from "../../local-stack/local-stack";

export const projectRoot = findAppRoot(__filename);

/** Real seconds per Azure second: the staging example's critical path (1281 s) takes some 13 s. */
export const OPERATOR_TIME_SCALE = 0.01;

/** What one envctl run printed, and its exit code. */
export interface EnvctlRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The running stack, a scratch folder and envctl pointed at them. */
export interface OperatorStack {
  readonly stack: RunningLocalStack;
  /** The app's URL (`http://127.0.0.1:<port>`) and its function key. */
  readonly url: string;
  readonly key: string;
  /** A folder for the test's files; `XDG_CONFIG_HOME` of envctl runs is `<scratch>/config`. */
  readonly scratch: string;
  /** The devhost's log lines, for diagnosing a failure. */
  readonly log: readonly string[];
  /** Environment variables of envctl runs: the profile folder, no colour, no ENVCTL_* of the machine's. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs `node bin/envctl.js ARGS` with `stdin` (closed when absent) and extra variables. */
  envctl(args: readonly string[], options?: { stdin?: string; env?: NodeJS.ProcessEnv }): Promise<EnvctlRun>;
  /** Writes an example with its `name:` replaced, and returns its path (each test its own environment). */
  example(file: string, name: string, edit?: (text: string) => string): string;
  /** `fetch` to the API with the key. */
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the stack. */
export async function startOperatorStack(): Promise<OperatorStack> {
  const scratch = mkdtempSync(join(tmpdir(), "envctl-operator-"));
  const log: string[] = [];
  const stack = await startLocalStack({
    projectRoot,
    dataDir: join(scratch, "data"),
    port: 0,
    timeScale: OPERATOR_TIME_SCALE,
    principalId: LOCAL_STACK_PRINCIPAL_ID,
    realAzure: false,
    devhostLog: (level, message) => log.push(`${level} ${message}`),
  });
  const url = stack.devhost.url;
  const key = stack.devhost.key;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOME: scratch,
    XDG_CONFIG_HOME: join(scratch, "config"),
    NO_COLOR: "1",
  };
  return {
    stack,
    url,
    key,
    scratch,
    log,
    env,
    envctl: (args, options = {}) =>
      new Promise((resolve, reject) => {
        // Asynchronous on purpose: the service runs in this process and must go on answering.
        const child = spawn(process.execPath, [join(projectRoot, "bin", "envctl.js"), ...args], {
          cwd: projectRoot,
          env: { ...env, ...options.env },
          stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(options.stdin ?? "");
      }),
    example(file, name, edit = (text) => text) {
      const text = readFileSync(join(projectRoot, "examples", file), "utf8").replace(
        /^name: .*$/m,
        `name: ${name}`,
      );
      const path = join(scratch, `${name}.yaml`);
      writeFileSync(path, edit(text));
      return path;
    },
    api: (path, init = {}) =>
      fetch(`${url}/api/${path}`, {
        ...init,
        headers: { "x-functions-key": key, ...(init.headers as Record<string, string> | undefined) },
      }),
    async stop() {
      await stack.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The record's status of an environment's last operation. */
export async function operationStatus(
  stack: OperatorStack,
  environmentId: string,
): Promise<string | undefined> {
  const response = await stack.api(`environments/${environmentId}`);
  if (!response.ok) return undefined;
  return ((await response.json()) as { lastOperation?: { status: string } }).lastOperation?.status;
}
