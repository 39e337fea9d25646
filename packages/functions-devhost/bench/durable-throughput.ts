/**
 * Durable engine benchmark on a local Azurite (run from the repository root:
 * `npx tsx packages/functions-devhost/bench/durable-throughput.ts`, or the compiled
 * `node packages/functions-devhost/dist/bench/durable-throughput.js`). Prints:
 * - throughput: episodes/s and activities/s for concurrent fan-out/fan-in orchestrations;
 * - replay cost as history grows: orchestrations of 1, 100 and 1,000 sequential activities, with the
 *   per-episode latency and the CPU time of this process (engine + library; Azurite's own CPU is shown
 *   apart, read from /proc when available).
 * Bounded: each phase stops after `PHASE_TIMEOUT_MS` and reports what it did by then.
 * `BENCH_CHAIN_LENGTHS=1,100` runs fewer chain lengths.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { AzureStorageDurableEngine } from "../src/durable";
import { loadFunctionApp } from "../src/registry";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import { orchestrationNames } from "../test/fixtures/durable-app/names";

const PHASE_TIMEOUT_MS = Number(process.env.BENCH_PHASE_TIMEOUT_MS ?? 90_000);
const FAN_OUT_INSTANCES = 20;
const FAN_OUT_WIDTH = 10;
const CHAIN_LENGTHS = (process.env.BENCH_CHAIN_LENGTHS ?? "1,100,1000").split(",").map(Number);

/** CPU seconds (user + system) of a child process from /proc; undefined off Linux. */
function childCpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function waitAll(engine: AzureStorageDurableEngine, ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  const pending = new Set(ids);
  while (pending.size > 0) {
    if (Date.now() > deadline)
      throw new Error(`${pending.size} orchestrations still running after ${PHASE_TIMEOUT_MS} ms`);
    for (const id of [...pending]) {
      const status = await engine.getStatus(id, { showInput: false });
      if (status?.runtimeStatus === "Completed") pending.delete(id);
      else if (status && ["Failed", "Terminated"].includes(status.runtimeStatus)) {
        throw new Error(`${id} ended ${status.runtimeStatus}: ${String(status.output)}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function measure<T>(azurite: RunningAzurite, engine: AzureStorageDurableEngine, run: () => Promise<T>) {
  const before = { ...engine.stats };
  const cpu = process.cpuUsage();
  const azuriteCpu = childCpuSeconds(azurite.process.pid);
  const started = process.hrtime.bigint();
  await run();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const azuriteAfter = childCpuSeconds(azurite.process.pid);
  return {
    wallMs,
    episodes: engine.stats.episodes - before.episodes,
    activities: engine.stats.activities - before.activities,
    cpuMs: (used.user + used.system) / 1000,
    azuriteCpuMs:
      azuriteCpu !== undefined && azuriteAfter !== undefined ? (azuriteAfter - azuriteCpu) * 1000 : undefined,
  };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/**
 * Waits for a chain orchestration, noting the wall time per episode over each tenth of its length (the
 * history grows by three events per episode, so later tenths replay longer histories). Resolves `false`
 * when it is still running after `PHASE_TIMEOUT_MS`, so the benchmark stays bounded.
 */
async function followChain(
  engine: AzureStorageDurableEngine,
  id: string,
  length: number,
  segments: string[],
): Promise<boolean> {
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  const step = Math.max(1, Math.ceil(length / 10));
  const base = engine.stats.episodes;
  let mark = { episodes: 0, at: Date.now() };
  while (Date.now() < deadline) {
    const done = engine.stats.episodes - base;
    if (length >= 100 && done - mark.episodes >= step) {
      const perEpisode = (Date.now() - mark.at) / (done - mark.episodes);
      segments.push(`@${mark.episodes}: ${fmt(perEpisode, 0)}`);
      mark = { episodes: done, at: Date.now() };
    }
    const status = await engine.getStatus(id, { showInput: false });
    if (status?.runtimeStatus === "Completed") return true;
    if (status && ["Failed", "Terminated"].includes(status.runtimeStatus)) {
      throw new Error(`${id} ended ${status.runtimeStatus}: ${String(status.output)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await engine.terminate(id, "benchmark time budget used up");
  return false;
}

async function main(): Promise<void> {
  const azurite = await startAzurite();
  const engine = new AzureStorageDurableEngine({
    connectionString: azurite.connectionString,
    taskHubName: "BenchHub",
    registry: loadFunctionApp(join(__dirname, "..", "test", "fixtures", "durable-app", "index")),
  });
  await engine.start();
  try {
    console.log(
      `durable engine benchmark — ${cpus().length} cores, Node ${process.version}, Azurite in-memory`,
    );
    const fan = await measure(azurite, engine, async () => {
      const ids = await Promise.all(
        Array.from({ length: FAN_OUT_INSTANCES }, () =>
          engine.startNew(orchestrationNames.fanOutFanIn, { input: FAN_OUT_WIDTH }),
        ),
      );
      await waitAll(engine, ids);
    });
    console.log(
      `throughput: ${FAN_OUT_INSTANCES} fan-out/fan-in × ${FAN_OUT_WIDTH} activities in ${fmt(fan.wallMs / 1000, 2)} s — ` +
        `${fmt((fan.episodes * 1000) / fan.wallMs)} episodes/s, ${fmt((fan.activities * 1000) / fan.wallMs)} activities/s ` +
        `(${fan.episodes} episodes, ${fan.activities} activities; engine CPU ${fmt(fan.cpuMs, 0)} ms` +
        `${fan.azuriteCpuMs !== undefined ? `, Azurite CPU ${fmt(fan.azuriteCpuMs, 0)} ms` : ""})`,
    );
    console.log("replay cost (one orchestration of N sequential activities):");
    console.log(
      "       N   episodes   wall s   ms/episode   engine CPU ms   CPU ms/episode   Azurite CPU ms   ms/episode by history size",
    );
    for (const length of CHAIN_LENGTHS) {
      const segments: string[] = [];
      let finished = true;
      const chain = await measure(azurite, engine, async () => {
        const id = await engine.startNew(orchestrationNames.chain, { input: { count: length } });
        finished = await followChain(engine, id, length, segments);
      });
      console.log(
        [
          String(length).padStart(8),
          String(chain.episodes).padStart(10),
          fmt(chain.wallMs / 1000, 2).padStart(8),
          fmt(chain.wallMs / chain.episodes, 2).padStart(12),
          fmt(chain.cpuMs, 0).padStart(15),
          fmt(chain.cpuMs / chain.episodes, 2).padStart(16),
          (chain.azuriteCpuMs !== undefined ? fmt(chain.azuriteCpuMs, 0) : "n/a").padStart(16),
          `   ${segments.join(", ") || "-"}`,
          finished ? "" : ` (stopped after ${PHASE_TIMEOUT_MS / 1000} s)`,
        ].join(" "),
      );
    }
  } finally {
    await engine.stop(5_000);
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
