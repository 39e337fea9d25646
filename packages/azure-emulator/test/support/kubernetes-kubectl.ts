/**
 * Runs the real `kubectl` against a test API server: a kubeconfig and a discovery cache in a temporary
 * directory (never the user's `~/.kube`), asynchronous so the in-process server keeps answering.
 */
import { execFile } from "node:child_process";
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
  dispose(): Promise<void>;
}

/** Upper bound for one kubectl run; kubectl's own request timeout is longer. */
const KUBECTL_TIMEOUT_MS = 30_000;

function exec(args: readonly string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile("kubectl", args, { encoding: "utf8", timeout: KUBECTL_TIMEOUT_MS }, (error, stdout, stderr) => {
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

/** Writes `kubeconfig` to a temporary directory and returns a kubectl that uses it. */
export async function kubectlWith(kubeconfig: string): Promise<Kubectl> {
  const directory = await mkdtemp(join(tmpdir(), "emulator-kubectl-"));
  const configPath = join(directory, "config");
  await writeFile(configPath, kubeconfig, { mode: 0o600 });
  return {
    run: (...args) => exec(["--kubeconfig", configPath, "--cache-dir", join(directory, "cache"), ...args]),
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
}
