/**
 * Emulator throughput: GETs and PUTs per second the emulator sustains on this machine, against the
 * request rate a batch of 50 environment builds needs (from the latency model's durations and poll
 * intervals), to show the emulator is not the bottleneck.
 *
 * Run: `npx tsx bench/emulator-throughput.ts [--seconds 3] [--concurrency 32]`
 */
import { Agent, request } from "node:https";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { latencyOf } from "../lib/latency-model.js";
import {
  EmulatorCredential,
  startEmulator,
  type RunningEmulator,
} from "@azure-env-provisioner/azure-emulator";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000be";
const BATCH_SIZE = 50;

/** The resources of one environment (README.md, "What an environment is"), by ARM type and count. */
const ENVIRONMENT: Readonly<Record<string, number>> = {
  "Microsoft.Resources/resourceGroups": 1,
  "Microsoft.Network/virtualNetworks": 1,
  "Microsoft.Network/virtualNetworks/subnets": 3,
  "Microsoft.Network/networkSecurityGroups": 2,
  "Microsoft.Network/publicIPAddresses": 1,
  "Microsoft.Network/natGateways": 1,
  "Microsoft.Network/privateDnsZones": 3,
  "Microsoft.Network/privateDnsZones/virtualNetworkLinks": 3,
  "Microsoft.Network/privateEndpoints": 2,
  "Microsoft.Network/privateEndpoints/privateDnsZoneGroups": 2,
  "Microsoft.KeyVault/vaults": 1,
  "Microsoft.Authorization/roleAssignments": 2,
  "Microsoft.ContainerService/managedClusters": 1,
  "Microsoft.DBforPostgreSQL/flexibleServers": 1,
  "Microsoft.DBforPostgreSQL/flexibleServers/databases": 1,
  "Microsoft.DBforPostgreSQL/flexibleServers/configurations": 2,
  "Microsoft.Cache/redisEnterprise": 1,
  "Microsoft.Cache/redisEnterprise/databases": 1,
};

interface Load {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
}

/** Runs `concurrency` loops of `send` for `seconds`; counts completed requests. */
async function sustain(
  seconds: number,
  concurrency: number,
  send: (i: number) => Promise<number>,
): Promise<Load> {
  const deadline = Date.now() + seconds * 1000;
  let requests = 0;
  let errors = 0;
  let next = 0;
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const status = await send(next++);
        requests += 1;
        if (status >= 400) errors += 1;
      }
    }),
  );
  return { requests, errors, seconds: (Date.now() - startedAt) / 1000 };
}

function client(emulator: RunningEmulator, concurrency: number, token: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: emulator.caCertPem });
  const send = (method: string, path: string, body?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(new URL(path, emulator.armEndpoint), {
        method,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body ? { "Content-Type": "application/json" } : {}),
        },
      });
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** ARM requests one environment build makes: a GET and a PUT per resource, plus status polls. */
function requestsPerEnvironment(): { requests: number; writes: number } {
  let requests = 0;
  let writes = 0;
  for (const [type, count] of Object.entries(ENVIRONMENT)) {
    const latency = latencyOf(type);
    const polls = Math.ceil(latency.createP50Sec / latency.pollIntervalSec);
    requests += count * (2 + polls);
    writes += count;
  }
  return { requests, writes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: "string" }, concurrency: { type: "string" } } });
  const seconds = Number(values.seconds ?? 3);
  const concurrency = Number(values.concurrency ?? 32);
  // Throttling off: this measures the emulator, not ARM's per-subscription limits.
  const emulator = await startEmulator({ timeScale: 0.0001, throttling: false });
  const token = (await new EmulatorCredential().getToken("https://management.azure.com/.default")).token;
  const http = client(emulator, concurrency, token);
  try {
    const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/bench?api-version=2025-04-01`;
    await http.send("PUT", group, JSON.stringify({ location: "eastus" }));
    const nsg = (i: number) =>
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/bench/providers/Microsoft.Network/networkSecurityGroups/nsg-${i}?api-version=2025-05-01`;
    // Warm-up: JIT and lazily loaded modules would otherwise count against the first measurement.
    await sustain(0.5, concurrency, (i) =>
      http.send("PUT", nsg(1_000_000 + i), JSON.stringify({ location: "eastus" })),
    );
    const puts = await sustain(seconds, concurrency, (i) =>
      http.send("PUT", nsg(i), JSON.stringify({ location: "eastus" })),
    );
    const gets = await sustain(seconds, concurrency, (i) =>
      http.send("GET", nsg(i % Math.max(1, puts.requests))),
    );

    const getRate = gets.requests / gets.seconds;
    const putRate = puts.requests / puts.seconds;
    const perEnvironment = requestsPerEnvironment();
    // A build lasts at least its slowest resource (Redis, ~20 min); its requests spread over that time.
    const buildSec = Math.max(...Object.keys(ENVIRONMENT).map((type) => latencyOf(type).createP50Sec));
    const batchRate = (BATCH_SIZE * perEnvironment.requests) / buildSec;
    const resources = Object.values(ENVIRONMENT).reduce((a, b) => a + b, 0);
    console.log(
      `emulator throughput (${concurrency} concurrent connections, ${seconds} s each, throttling off)`,
    );
    // Shared machines skew the figures: show how busy this one was.
    console.log(`  ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1) ?? "?"} during the run`);
    console.log(
      `  GET  ${getRate.toFixed(0).padStart(7)} req/s  (${gets.requests} requests, ${gets.errors} errors)`,
    );
    console.log(
      `  PUT  ${putRate.toFixed(0).padStart(7)} req/s  (${puts.requests} requests, ${puts.errors} errors)`,
    );
    console.log(
      `batch of ${BATCH_SIZE} environment builds (${resources} resources each, latency-model polling)`,
    );
    console.log(
      `  ${perEnvironment.requests} ARM requests per environment, ${BATCH_SIZE * perEnvironment.requests} per batch`,
    );
    console.log(
      `  spread over a ${(buildSec / 60).toFixed(0)}-minute build: ${batchRate.toFixed(1)} req/s needed`,
    );
    console.log(
      `  headroom: ${(Math.min(getRate, putRate) / batchRate).toFixed(0)}x the needed rate at real time scale`,
    );
    console.log(
      `  (at time scale 0.01 the batch needs ${(batchRate / 0.01).toFixed(0)} req/s; writes alone ${((BATCH_SIZE * perEnvironment.writes) / buildSec / 0.01).toFixed(0)} req/s)`,
    );
  } finally {
    http.close();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
