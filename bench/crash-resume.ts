/**
 * Crash-resume, measured: builds `examples/staging.yaml` several times, SIGKILLs the Functions host (the
 * devhost, as a child process) at a random point of each build, starts another at once on the same
 * storage, and reports per build: whether it completed, duplicate ARM creates (from the emulator's
 * request log: a resource answered 201 Created twice), Key Vault secret versions per secret (a secret
 * written twice has two), and the stall after the restart (how long the resumed build showed no progress,
 * against the host's lease time, which bounds how late a dead host's work is taken over).
 *
 * `npx tsx bench/crash-resume.ts [--builds 10] [--time-scale 0.004] [--seed N]`
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  spawnDevhost,
  startAzurite,
  type DevhostChild,
  type RunningAzurite,
} from "@azure-env-provisioner/functions-devhost";
import { startEmulator, type RunningEmulator } from "@azure-env-provisioner/azure-emulator";
import { planEnvironment } from "../lib/plan";
import { summarizePlan } from "../lib/plan/summary";
import { parseEnvironmentSpec } from "../lib/spec";
import { exampleSpecText } from "./support/example-plan";
import { positiveFlag } from "./support/flags";
import { APP_ENTRY, EXAMPLE_SUBSCRIPTION_ID } from "./support/stack";

const { values } = parseArgs({
  options: { builds: { type: "string" }, "time-scale": { type: "string" }, seed: { type: "string" } },
});
const BUILDS = Math.round(positiveFlag("builds", values.builds, 10));
const TIME_SCALE = positiveFlag("time-scale", values["time-scale"], 0.004);
/** Lease of a killed host's work, in real ms: no stall should be longer. */
const LEASE_MS = 1_500;
const FUNCTION_KEY = "crash-bench-key";

/** A small seeded generator (mulberry32), so a run can be repeated with `--seed`. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const seed = values.seed === undefined ? Date.now() % 100_000 : Number(values.seed);
const next = random(seed);

interface Progress {
  nodes: Record<string, string>;
  orchestrationElapsedSec?: number;
}
interface View {
  lastOperation?: { status: string };
  progress?: Progress;
}

interface BuildFigures {
  readonly environmentId: string;
  readonly killedAtSec: number;
  readonly completed: boolean;
  readonly duplicateCreates: readonly string[];
  readonly maxSecretVersions: number;
  readonly stallSec: number;
  readonly totalSec: number;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "provisioner-crash-"));
  writeFileSync(
    join(dataDir, "host.json"),
    JSON.stringify({ version: "2.0", extensions: { durableTask: { hubName: "Crash" } } }),
  );
  writeFileSync(join(dataDir, "local.settings.json"), JSON.stringify({ IsEncrypted: false, Values: {} }));
  let azurite: RunningAzurite | undefined;
  let emulator: RunningEmulator | undefined;
  let devhost: DevhostChild | undefined;
  try {
    azurite = await startAzurite();
    emulator = await startEmulator({
      dataDir: join(dataDir, "emulator"),
      timeScale: TIME_SCALE,
      throttling: false,
    });
    const settings = {
      PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
      PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
      PROVISIONER_SUBSCRIPTION_ID: EXAMPLE_SUBSCRIPTION_ID,
      PROVISIONER_PRINCIPAL_ID: emulator.identityPrincipalId,
      IDENTITY_ENDPOINT: emulator.identityEndpoint,
      IDENTITY_HEADER: emulator.identityHeader,
      AzureWebJobsStorage: azurite.connectionString,
    };
    const spawn = () =>
      spawnDevhost({
        // The app's TypeScript entry under tsx (the child then runs it under tsx too), its JS when compiled.
        app: APP_ENTRY,
        appRoot: dataDir,
        storageConnectionString: azurite!.connectionString,
        env: settings,
        extraArgs: [
          "--key",
          FUNCTION_KEY,
          "--clock-factor",
          String(1 / TIME_SCALE),
          "--lease-ms",
          String(LEASE_MS),
        ],
        startTimeoutMs: 60_000,
      });
    devhost = await spawn();
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${devhost!.url}/api/${path}`, {
        ...init,
        headers: { "x-functions-key": FUNCTION_KEY, ...(init.headers as Record<string, string> | undefined) },
      });
    const view = async (id: string) => (await (await api(`environments/${id}`)).json()) as View;
    const plan = planEnvironment(parseEnvironmentSpec(exampleSpecText()), {
      provisionerPrincipalId: emulator.identityPrincipalId,
      provisionerIpRanges: ["127.0.0.1/32"],
    });
    const expectedWallSec = summarizePlan(plan).estimatedBuildSec * TIME_SCALE;

    const figures: BuildFigures[] = [];
    for (let build = 1; build <= BUILDS; build++) {
      const name = `crash${build}`;
      const environmentId = `acme-${name}`;
      const spec = exampleSpecText().replace(/^name: staging$/m, `name: ${name}`);
      const buildPlan = planEnvironment(parseEnvironmentSpec(spec), {
        provisionerPrincipalId: emulator.identityPrincipalId,
        provisionerIpRanges: ["127.0.0.1/32"],
      });
      const logBefore = emulator.admin.requestLog().length;
      const startedAt = Date.now();
      const accepted = await api("environments", {
        method: "POST",
        headers: { "content-type": "application/yaml" },
        body: spec,
      });
      if (accepted.status !== 202)
        throw new Error(`POST answered ${accepted.status}: ${await accepted.text()}`);
      // Anywhere from the first writes to the last nodes.
      const killAfterSec = expectedWallSec * (0.05 + 0.85 * next());
      await new Promise((resolve) => setTimeout(resolve, killAfterSec * 1000));
      const before = (await view(environmentId)).progress;
      await devhost.stop("SIGKILL");
      devhost = await spawn();
      const restartedAt = Date.now();
      // The stall: how long until the resumed build is seen to move again.
      let stallSec = Number.NaN;
      let ended: View | undefined;
      for (const deadline = Date.now() + 180_000; Date.now() < deadline;) {
        const current = await view(environmentId);
        if (Number.isNaN(stallSec) && moved(before, current.progress))
          stallSec = (Date.now() - restartedAt) / 1000;
        if (current.lastOperation && current.lastOperation.status !== "running") {
          ended = current;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (Number.isNaN(stallSec) && ended) stallSec = (Date.now() - restartedAt) / 1000;
      figures.push({
        environmentId,
        killedAtSec: killAfterSec,
        completed: ended?.lastOperation?.status === "succeeded",
        duplicateCreates: duplicateCreates(emulator, logBefore, `rg-${environmentId}`),
        maxSecretVersions: maxSecretVersions(
          emulator,
          buildPlan.nodes.find((n) => n.kind === "keyVault")?.name ?? "",
        ),
        stallSec,
        totalSec: (Date.now() - startedAt) / 1000,
      });
    }
    print(figures, expectedWallSec);
  } finally {
    await devhost?.stop("SIGTERM").catch(() => undefined);
    await emulator?.stop();
    await azurite?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Whether the build moved between two progress reports: a node changed state, or time advanced. */
function moved(before: Progress | undefined, after: Progress | undefined): boolean {
  if (!after) return false;
  if (!before) return true;
  return (
    JSON.stringify(before.nodes) !== JSON.stringify(after.nodes) ||
    (after.orchestrationElapsedSec ?? 0) > (before.orchestrationElapsedSec ?? 0)
  );
}

/** Resource paths in `resourceGroup` answered 201 Created more than once since `from`. */
function duplicateCreates(emulator: RunningEmulator, from: number, resourceGroup: string): string[] {
  const counts = new Map<string, number>();
  for (const entry of emulator.admin.requestLog().slice(from)) {
    if (entry.method !== "PUT" || entry.status !== 201) continue;
    const path = entry.path.toLowerCase();
    if (!path.includes(`/resourcegroups/${resourceGroup.toLowerCase()}`)) continue;
    counts.set(path, (counts.get(path) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([path]) => path);
}

interface VaultState {
  readonly info?: { name?: string };
  readonly secrets: { secrets: { name: string; versions: unknown[] }[] };
}

/** The most versions any secret of the vault named `vaultName` has. */
function maxSecretVersions(emulator: RunningEmulator, vaultName: string): number {
  const state = emulator.admin.state() as { keyVault: { vaults: VaultState[] } };
  const vaults = state.keyVault.vaults.filter((vault) =>
    JSON.stringify(vault.info ?? {}).includes(vaultName),
  );
  return Math.max(
    0,
    ...vaults.flatMap((vault) => vault.secrets.secrets.map((secret) => secret.versions.length)),
  );
}

function print(figures: readonly BuildFigures[], expectedWallSec: number): void {
  const completed = figures.filter((f) => f.completed).length;
  const duplicates = figures.reduce((sum, f) => sum + f.duplicateCreates.length, 0);
  const stalls = figures.map((f) => f.stallSec).filter((s) => Number.isFinite(s));
  console.log(
    `crash-resume: ${figures.length} builds of examples/staging.yaml, each host SIGKILLed once at a random point`,
  );
  console.log(
    `  time scale ${TIME_SCALE} (an uninterrupted build: about ${expectedWallSec.toFixed(1)} s wall), lease ${LEASE_MS / 1000} s, seed ${seed}, load ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    "  build           killed at   completed   duplicate creates   max secret versions   stall after restart   total",
  );
  for (const f of figures) {
    console.log(
      `  ${f.environmentId.padEnd(14)}  ${f.killedAtSec.toFixed(1).padStart(7)} s   ${String(f.completed).padEnd(9)}   ${String(f.duplicateCreates.length).padStart(17)}   ${String(f.maxSecretVersions).padStart(19)}   ${f.stallSec.toFixed(2).padStart(17)} s   ${f.totalSec.toFixed(1).padStart(5)} s`,
    );
    for (const path of f.duplicateCreates) console.log(`      duplicate create: ${path}`);
  }
  console.log(
    `  completed ${completed}/${figures.length} (goal all) · duplicate creates ${duplicates} (goal 0) · ` +
      `max secret versions ${Math.max(0, ...figures.map((f) => f.maxSecretVersions))} (goal 1) · ` +
      `stall max ${Math.max(0, ...stalls).toFixed(2)} s, median ${median(stalls).toFixed(2)} s (bound: the ${LEASE_MS / 1000} s lease + a poll)`,
  );
}

function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : (sorted[Math.floor(sorted.length / 2)] as number);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exitCode = 1;
});
