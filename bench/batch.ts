/**
 * Batch: N environments (copies of `examples/staging.yaml` with their own names) submitted as one batch
 * message on the `environment-requests` queue — the queue trigger path — built by the batch
 * orchestration against the emulator with ARM throttling on. Prints the total time, the 429s seen,
 * the failures (goal: none), the ARM writes, and the lower bounds: ARM's write bucket (200 writes of
 * burst, then 10 per second, per subscription and principal — the least time those writes could take)
 * and the builds' own critical path, in waves of the concurrency cap.
 *
 * Run: `npx tsx bench/batch.ts [--environments 4] [--time-scale 0.05] [--max-concurrent N]` (unset: the
 * product's default, chosen from ARM's write bucket by `writeBucketConcurrency`)
 * Fifty environments (10–20 minutes of wall time on 2 cores):
 * `npx tsx bench/batch.ts --environments 50 --max-concurrent 50 --time-scale 0.25`
 *
 * Times are orchestration time of the batch instance (creation to end), which runs with the emulator's
 * scaled Azure time; wall time ÷ time scale is printed beside it.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { BlobServiceClient } from "@azure/storage-blob";
import { QueueClient } from "@azure/storage-queue";
import { batchInstanceIdOf, ENVIRONMENT_REQUESTS_QUEUE } from "../functions/queue-requests";
import { summarizePlan, writeBucketConcurrency } from "../lib/plan";
import type { BatchOutput } from "../orchestrations/contracts";
import { ARM_LIMITS } from "@azure-env-provisioner/azure-emulator";
import { requestCountsBetween } from "./support/arm-counters";
import { printBreakdown } from "./support/chain-breakdown";
import { measuredCriticalChain, nodeTimings } from "./support/node-timeline";
import { cpuBetween, describeCpu } from "./support/cpu";
import { batchEnvironments, type BatchEnvironment } from "./support/batch-specs";
import { positiveFlag } from "./support/flags";
import { EXAMPLE_SUBSCRIPTION_ID, startBenchStack, type BenchStack } from "./support/stack";
import { waitUntilEnded } from "./support/wait";

/**
 * Four environments (about 130 ARM writes) finish in about 2–3 minutes on 2 shared cores; more load the
 * local host so much that its per-step wall-clock costs, not Azure, set the time (see bench/README.md).
 */
const DEFAULT_ENVIRONMENTS = 4;
/** As in bench/makespan.ts: one build's critical path is about 64 s of wall time. */
const DEFAULT_TIME_SCALE = 0.05;

/** The goal for the batch's length over its bound (issue 15). */
const GOAL_RATIO = 1.1;

const sec = (value: number) => `${value.toFixed(1)} s`;

/** The least Azure seconds `writes` writes take through ARM's write bucket, starting full. */
export function writeBucketBoundSec(writes: number): number {
  const { capacity, refillPerSec } = ARM_LIMITS.writes;
  return Math.max(0, writes - capacity) / refillPerSec;
}

/** When the builds started (after the batch's creation) and how long each took, in orchestration seconds. */
async function buildSpans(
  stack: BenchStack,
  environments: readonly BatchEnvironment[],
  batchCreatedTime: string,
) {
  const statuses = await Promise.all(environments.map((e) => stack.instanceStatus(e.plan.environmentId)));
  const spans = statuses.flatMap((status, index) =>
    status
      ? [
          {
            environment: environments[index] as BatchEnvironment,
            status,
            startSec: stack.simulatedSecBetween(batchCreatedTime, status.createdTime),
            lengthSec: stack.simulatedSecBetween(status.createdTime, status.lastUpdatedTime),
          },
        ]
      : [],
  );
  const starts = spans.map((span) => span.startSec);
  const lengths = spans.map((span) => span.lengthSec).sort((a, b) => a - b);
  const slowest = spans.reduce<(typeof spans)[number] | undefined>(
    (found, span) => (!found || span.lengthSec > found.lengthSec ? span : found),
    undefined,
  );
  return {
    slowest,
    firstStartSec: Math.min(...starts),
    lastStartSec: Math.max(...starts),
    minSec: lengths[0] ?? 0,
    maxSec: lengths[lengths.length - 1] ?? 0,
    medianSec: lengths[Math.floor(lengths.length / 2)] ?? 0,
  };
}

/** The most a queue message holds (Azure Queue Storage: 64 KiB). */
const QUEUE_MESSAGE_BYTES = 64 * 1024;
/** Base64, which the host's default message encoding adds, makes a message 4/3 as long. */
const BASE64_GROWTH = 4 / 3;

/** Quotas of the batch's region raised far past what the batch needs: vCPUs and public IPs. */
function raisedQuotas(environments: readonly BatchEnvironment[]) {
  const location = environments[0]!.plan.location;
  const limit = { limit: 100_000 };
  return {
    [location]: {
      cores: limit,
      standardDSv5Family: limit,
      PublicIPAddresses: limit,
      IPv4StandardSkuPublicIpAddresses: limit,
    },
  };
}

/** Uploads the batch's `{ action, environments }` document and returns its `<container>/<blob>`. */
async function uploadBatch(stack: BenchStack, document: string): Promise<string> {
  const container = BlobServiceClient.fromConnectionString(stack.azurite.connectionString).getContainerClient(
    "environment-batches",
  );
  await container.createIfNotExists();
  const environments = JSON.stringify((JSON.parse(document) as { environments: unknown }).environments);
  await container.getBlockBlobClient("bench.json").upload(environments, Buffer.byteLength(environments));
  return "environment-batches/bench.json";
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      environments: { type: "string" },
      "time-scale": { type: "string" },
      "max-concurrent": { type: "string" },
    },
  });
  const count = Math.floor(positiveFlag("environments", values.environments, DEFAULT_ENVIRONMENTS));
  const timeScale = positiveFlag("time-scale", values["time-scale"], DEFAULT_TIME_SCALE);
  const environments = batchEnvironments(count);
  // Unset: the product's own default, from ARM's write bucket (lib/plan/batch-concurrency.ts).
  const maxConcurrent = Math.floor(
    positiveFlag(
      "max-concurrent",
      values["max-concurrent"],
      writeBucketConcurrency(environments.map((e) => e.plan)),
    ),
  );
  const pathSec = summarizePlan(environments[0]!.plan).estimatedBuildSec;
  const waves = Math.ceil(count / maxConcurrent);
  // Bounded: three times the builds' own bound in wall time, plus start-up.
  const timeoutMs = waves * pathSec * timeScale * 3_000 + 90_000;

  console.log(
    `batch: ${count} environments in one queue message, at most ${maxConcurrent} at once` +
      `${values["max-concurrent"] === undefined ? " (the default, from the write bucket)" : ""}, ` +
      `time scale ${timeScale}, ARM throttling on — ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}`,
  );
  const startedAt = Date.now();
  const stack = await startBenchStack({
    timeScale,
    throttling: true,
    ...(values["max-concurrent"] === undefined ? {} : { maxConcurrentBuilds: maxConcurrent }),
  });
  try {
    const queue = new QueueClient(stack.azurite.connectionString, ENVIRONMENT_REQUESTS_QUEUE);
    await queue.createIfNotExists();
    const before = stack.emulator.admin.counters();
    const cpuBefore = stack.cpu();
    const submittedAt = Date.now();
    // Fifty clusters need more vCPUs and public IPs than a subscription's default quotas, and preflight
    // adds a batch up (lib/preflight/batch-quotas.ts): the bench's subscription has them raised, as a
    // platform team would before building this many environments.
    stack.emulator.admin.configureSubscriptions({
      quotas: { [EXAMPLE_SUBSCRIPTION_ID]: raisedQuotas(environments) },
    });
    const inline = JSON.stringify({ action: "apply", environments: environments.map((e) => e.spec) });
    // A queue message holds 64 KiB: a larger batch goes in a blob the message names, as users send it.
    const message =
      Buffer.byteLength(inline, "utf8") * BASE64_GROWTH <= QUEUE_MESSAGE_BYTES
        ? inline
        : JSON.stringify({ action: "apply", environmentsBlob: await uploadBatch(stack, inline) });
    // The Functions host reads queue messages as base64 (host.json's default messageEncoding).
    const sent = await queue.sendMessage(Buffer.from(message, "utf8").toString("base64"));
    const batchId = batchInstanceIdOf(sent.messageId);
    const batch = await waitUntilEnded(() => stack.instanceStatus(batchId), timeoutMs, 250);
    const wallSec = (Date.now() - submittedAt) / 1000;
    const cpu = cpuBetween(cpuBefore, stack.cpu());
    const counts = requestCountsBetween(before, stack.emulator.admin.counters());
    const output = batch.output as Partial<BatchOutput> | null;
    const results = output?.results ?? [];
    const failed = results.filter((result) => result.result !== "succeeded");

    const totalSec = stack.simulatedSecBetween(batch.createdTime, batch.lastUpdatedTime);
    const builds = await buildSpans(stack, environments, batch.createdTime);
    const acceptedWrites = counts.writes - counts.throttledWrites;
    const bucketSec = writeBucketBoundSec(acceptedWrites);
    const buildsSec = waves * pathSec;
    console.log(
      `  total time            ${sec(totalSec)}  (orchestration time of the batch; ${sec(wallSec / timeScale)} = ${wallSec.toFixed(1)} s wall ÷ time scale)`,
    );
    console.log(
      `  builds                started ${builds.firstStartSec.toFixed(1)}–${builds.lastStartSec.toFixed(1)} s after the batch; ` +
        `each took ${builds.minSec.toFixed(0)}–${builds.maxSec.toFixed(0)} s (median ${builds.medianSec.toFixed(0)} s)`,
    );
    const notBuilt = count - results.length;
    console.log(
      `  outcome               ${batch.runtimeStatus}: ${results.length - failed.length} succeeded, ${failed.length} failed` +
        `${notBuilt > 0 ? `, ${notBuilt} refused before building (preflight: see their records)` : ""} (goal: none failed)`,
    );
    for (const result of failed.slice(0, 10)) {
      const first = result.failures?.[0];
      console.log(
        `    ${result.environmentId}: ${result.result}${first ? ` — ${first.nodeKey ?? ""} ${first.code}: ${first.message}` : ""}`,
      );
    }
    console.log(
      `  429s seen             ${counts.throttled}  (of ${counts.writes + counts.reads + counts.polls} ARM requests): ${counts.throttledWrites} writes (the write bucket, or 'another operation in progress' on a parent), ${counts.throttledReads} reads and polls (the read bucket)`,
    );
    console.log(
      `  ARM                   ${counts.writes} writes (${acceptedWrites} accepted, ${(acceptedWrites / count).toFixed(1)} per environment), ${counts.reads} reads, ${counts.polls} polls`,
    );
    console.log(
      `  write-bucket bound    ${sec(bucketSec)}  (${acceptedWrites} writes: ${ARM_LIMITS.writes.capacity} burst, then ${ARM_LIMITS.writes.refillPerSec}/s; ${sec(bucketSec * timeScale)} wall at this scale)`,
    );
    console.log(
      `  critical-path bound   ${sec(buildsSec)}  (${waves} wave${waves === 1 ? "" : "s"} of ${maxConcurrent} × ${pathSec} s)`,
    );
    const bound = Math.max(bucketSec, buildsSec);
    console.log(
      `  measured ÷ bound      ${(totalSec / bound).toFixed(3)}  (bound ${sec(bound)}, the larger of the two; goal ≤ ${GOAL_RATIO}: ${totalSec / bound <= GOAL_RATIO ? "met" : "NOT met"})`,
    );
    console.log(`  CPU                   ${describeCpu(cpu)} (over ${wallSec.toFixed(1)} s wall)`);
    if (totalSec / bound > GOAL_RATIO && builds.slowest) {
      const { environment, status } = builds.slowest;
      console.log(`the slowest build, ${environment.plan.environmentId}:`);
      const children = await stack.instances(`${environment.plan.environmentId}:`);
      const timings = nodeTimings(environment.plan, status, children, stack.simulatedSecBetween);
      await printBreakdown(stack, environment.plan, measuredCriticalChain(timings));
    }
    if (batch.runtimeStatus !== "Completed" || failed.length > 0 || notBuilt > 0) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
  console.log(
    `done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s wall (load average ${loadavg()[0]?.toFixed(1)})`,
  );
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
