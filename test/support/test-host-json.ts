/**
 * The project's host.json for a test's own app root: queues polled every 200 ms, so a test does not wait
 * the production poll interval (10 s) for its message, and whatever else the test changes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";

/** The parts of host.json tests change. */
export interface TestHostJson {
  extensions: { durableTask: Record<string, unknown>; queues: Record<string, unknown> };
}

/** Writes the project's host.json, polling queues fast and changed by `change`, into `dir`. */
export function writeTestHostJson(dir: string, change: (host: TestHostJson) => void = () => {}): void {
  const host = JSON.parse(readFileSync(join(findAppRoot(__filename), "host.json"), "utf8")) as TestHostJson;
  host.extensions.queues.maxPollingInterval = "00:00:00.200";
  change(host);
  writeFileSync(join(dir, "host.json"), JSON.stringify(host));
}
