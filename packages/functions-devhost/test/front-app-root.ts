/** Temporary app roots (host.json + local.settings.json) for devhost tests, removed by the caller. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary app root and its cleanup. */
export interface TemporaryAppRoot {
  readonly path: string;
  remove(): void;
}

/**
 * Writes host.json with `hubName` and fast queue settings (2 attempts, 200 ms polling at most), and a
 * local.settings.json pointing AzureWebJobsStorage at the development storage (the devhost resolves it
 * to the Azurite the test started).
 */
export function createAppRoot(hubName: string, values: Record<string, string> = {}): TemporaryAppRoot {
  const path = mkdtempSync(join(tmpdir(), "devhost-app-"));
  writeFileSync(
    join(path, "host.json"),
    JSON.stringify({
      version: "2.0",
      extensions: {
        durableTask: { hubName, maxConcurrentActivityFunctions: 4, maxConcurrentOrchestratorFunctions: 4 },
        queues: {
          maxDequeueCount: 2,
          visibilityTimeout: "00:00:00",
          batchSize: 4,
          maxPollingInterval: "00:00:00.200",
        },
      },
    }),
  );
  writeFileSync(
    join(path, "local.settings.json"),
    JSON.stringify({
      IsEncrypted: false,
      Values: {
        AzureWebJobsStorage: "UseDevelopmentStorage=true",
        FUNCTIONS_WORKER_RUNTIME: "node",
        ...values,
      },
    }),
  );
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
