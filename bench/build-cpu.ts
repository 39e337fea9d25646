/**
 * The devhost's CPU per build: builds the example environment several times in a row on one stack (each
 * under its own name, so each is a whole new build), and prints what each build cost the devhost — its
 * main thread and V8's helper threads (garbage collection, background compiles) — and Azurite, beside
 * the goal of issue 15. The first build also pays for the host's start: loading the app's modules and V8
 * compiling them; the later ones are what a long-running host pays per build. One build's figure moves
 * by a few tenths of a second between runs (a collection more or less), so the later builds' median is
 * the figure to read.
 *
 * The default time scale is the local stack's (`npm start`): the example's critical path in about a
 * minute of wall time. A longer time scale makes each build cost more: the host's upkeep (queue polls,
 * scans of the hub) and a client's status reads go on for longer.
 *
 * Run: `npx tsx bench/build-cpu.ts [--builds 4] [--time-scale 0.0868] [--spec examples/staging.yaml]`
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { summarizePlan } from "../lib/plan";
import { defaultTimeScale, TARGET_EXAMPLE_BUILD_SEC } from "../local-stack/local-stack";
import { buildAndWait, renamed } from "./support/build";
import { cpuBetween } from "./support/cpu";
import { IDLE_METHOD, idleDevhostCpuPerSec } from "./support/idle";
import { emulatorPlanOf, exampleSpec, exampleSpecText, EXAMPLE_SPEC_PATH } from "./support/example-plan";
import { positiveFlag } from "./support/flags";
import { PROJECT_ROOT, startBenchStack } from "./support/stack";

const DEFAULT_BUILDS = 4;
/** Issue 15's goal for the devhost's CPU per build, in seconds. */
const GOAL_DEVHOST_SEC = 2;

const sec = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(2)} s`);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { builds: { type: "string" }, "time-scale": { type: "string" }, spec: { type: "string" } },
  });
  const builds = Math.max(2, Math.round(positiveFlag("builds", values.builds, DEFAULT_BUILDS)));
  const stackTimeScale = defaultTimeScale(PROJECT_ROOT);
  const timeScale = positiveFlag("time-scale", values["time-scale"], stackTimeScale);
  const specPath = values.spec ?? EXAMPLE_SPEC_PATH;
  const spec = exampleSpec(specPath);
  const plan = emulatorPlanOf(spec);
  // Bounded: three times the expected wall time, plus start-up.
  const timeoutMs = summarizePlan(plan).estimatedBuildSec * timeScale * 3_000 + 60_000;
  console.log(
    `build-cpu: ${builds} builds of ${specPath} (${plan.nodes.length} nodes) one after another on one stack, ` +
      `time scale ${Number(timeScale.toFixed(4))}` +
      (timeScale === stackTimeScale
        ? ` (the local stack's default: the example's critical path in about ${TARGET_EXAMPLE_BUILD_SEC} s)`
        : "") +
      ` — ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}`,
  );
  const startedAt = Date.now();
  const stack = await startBenchStack({ timeScale, throttling: true });
  try {
    const idlePerSec = await idleDevhostCpuPerSec(stack);
    console.log(
      `  devhost idle           ${idlePerSec === undefined ? "n/a" : `${(idlePerSec * 60).toFixed(2)} s per minute`} ` +
        `with no work (${IDLE_METHOD}, before the first build)`,
    );
    const later: { devhost: number; azurite: number }[] = [];
    for (let index = 1; index <= builds; index++) {
      const name = `${spec.name}-${index}`;
      const environmentId = emulatorPlanOf({ ...spec, name }).environmentId;
      const cpuBefore = stack.cpu();
      const engineBefore = await stack.engineStats();
      const wallBefore = Date.now();
      await buildAndWait(stack, renamed(exampleSpecText(specPath), name), environmentId, timeoutMs);
      const wallSec = (Date.now() - wallBefore) / 1000;
      const cpu = cpuBetween(cpuBefore, stack.cpu());
      const engine = await stack.engineStats();
      const requests = Object.values(engine.tableRequests).reduce((sum, count) => sum + count, 0);
      const requestsBefore = Object.values(engineBefore.tableRequests).reduce((sum, count) => sum + count, 0);
      const helpers =
        cpu.devhost === undefined || cpu.devhostMainThread === undefined
          ? undefined
          : cpu.devhost - cpu.devhostMainThread;
      console.log(
        `  build ${String(index).padEnd(2)}${index === 1 ? " (host's first)" : "               "} ` +
          `devhost ${sec(cpu.devhost)} (main thread ${sec(cpu.devhostMainThread)}, V8 helper threads ${sec(helpers)}), ` +
          `Azurite ${sec(cpu.azurite)}, over ${wallSec.toFixed(0)} s wall; ` +
          `${engine.episodes - engineBefore.episodes} episodes, ${requests - requestsBefore} table requests`,
      );
      if (index > 1 && cpu.devhost !== undefined && cpu.azurite !== undefined) {
        later.push({ devhost: cpu.devhost, azurite: cpu.azurite });
      }
    }
    if (later.length > 0) {
      const devhost = later.map((build) => build.devhost);
      const perBuild = median(devhost);
      console.log(
        `  per build, warm host   devhost median ${sec(perBuild)} (${sec(Math.min(...devhost))}–${sec(Math.max(...devhost))} over builds 2–${builds}; ` +
          `goal < ${GOAL_DEVHOST_SEC} s: ${perBuild < GOAL_DEVHOST_SEC ? "met" : "NOT met"}), ` +
          `Azurite median ${sec(median(later.map((build) => build.azurite)))}`,
      );
    }
  } finally {
    await stack.stop();
  }
  console.log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s wall (load average ${loadavg()[0]?.toFixed(1)})`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
