/**
 * Runs the real `kubectl` against a test API server: a kubeconfig and a discovery cache in a temporary
 * directory (never the user's `~/.kube`), asynchronous so the in-process server keeps answering. The
 * binary is `$KUBECTL` when set (to test another release, e.g. kubectl 1.33), else `kubectl` on PATH.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a kubectl run printed and how it ended. */
export interface KubectlResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A kubectl bound to one kubeconfig. */
export interface Kubectl {
  run(...args: string[]): Promise<KubectlResult>;
  /** Starts a long-running command (`get -w`); `stop` ends it and gives what it printed. */
  start(...args: string[]): { output(): string; stop(): Promise<KubectlResult> };
  dispose(): Promise<void>;
}

/** The kubectl binary the tests run. */
export const KUBECTL = process.env.KUBECTL ?? "kubectl";

/** Upper bound for one kubectl run; kubectl's own request timeout is longer. */
const KUBECTL_TIMEOUT_MS = 30_000;

function exec(args: readonly string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { encoding: "utf8", timeout: KUBECTL_TIMEOUT_MS }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** Why kubectl tests cannot run here, or undefined when kubectl is on PATH. */
export async function kubectlUnavailableReason(): Promise<string | undefined> {
  const probe = await exec(["version", "--client"]);
  return probe.exitCode === 0
    ? undefined
    : "kubectl is not on PATH (Debian's kubernetes-client package provides it)";
}

/** The client's minor version (`33` for kubectl 1.33), or undefined when kubectl cannot say. */
export async function kubectlMinorVersion(): Promise<number | undefined> {
  const probe = await exec(["version", "--client", "-o", "json"]);
  const minor = (JSON.parse(probe.stdout || "{}") as { clientVersion?: { minor?: string } }).clientVersion
    ?.minor;
  const parsed = Number.parseInt(minor ?? "", 10);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** A skip reason when the kubectl at hand is older than 1.`minor` (a command or flag it lacks). */
export async function needsKubectl(minor: number, what: string): Promise<string | undefined> {
  const unavailable = await kubectlUnavailableReason();
  if (unavailable) return unavailable;
  const version = await kubectlMinorVersion();
  return version !== undefined && version < minor
    ? `${what} needs kubectl 1.${minor} or later (this is 1.${version})`
    : undefined;
}

/** Writes `kubeconfig` to a temporary directory and returns a kubectl that uses it. */
export async function kubectlWith(kubeconfig: string): Promise<Kubectl> {
  const directory = await mkdtemp(join(tmpdir(), "emulator-kubectl-"));
  const configPath = join(directory, "config");
  await writeFile(configPath, kubeconfig, { mode: 0o600 });
  const base = ["--kubeconfig", configPath, "--cache-dir", join(directory, "cache")];
  return {
    run: (...args) => exec([...base, ...args]),
    start(...args) {
      const child = spawn(KUBECTL, [...base, ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      const ended = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 0)));
      return {
        output: () => stdout,
        async stop() {
          if (child.exitCode === null) child.kill("SIGTERM");
          const exitCode = await ended;
          return { exitCode, stdout, stderr };
        },
      };
    },
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
}
