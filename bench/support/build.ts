/**
 * Submitting a build through the stack's HTTP API and waiting for it, for the benches that build
 * environments one after another.
 */
import type { InstanceStatus } from "@azure-env-provisioner/functions-devhost";
import type { BenchStack } from "./stack";
import { waitUntilEnded } from "./wait";

/** Submits a spec through the HTTP API and waits until its build has completed (throws otherwise). */
export async function buildAndWait(
  stack: BenchStack,
  specText: string,
  environmentId: string,
  timeoutMs: number,
): Promise<InstanceStatus> {
  const response = await stack.api("environments", {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: specText,
  });
  if (response.status !== 202)
    throw new Error(`POST /api/environments answered ${response.status}: ${await response.text()}`);
  // Once a second, as a client watching a build would: the build's length is its orchestration time,
  // so how often this script looks changes only its own cost, which the devhost's CPU figure includes.
  const build = await waitUntilEnded(() => stack.instanceStatus(environmentId), timeoutMs, 1000);
  if (build.runtimeStatus !== "Completed")
    throw new Error(
      `the build of ${environmentId} ended ${build.runtimeStatus}: ${JSON.stringify(build.output)}`,
    );
  return build;
}

/** The spec's YAML with its top-level `name` replaced: the same environment under another name. */
export function renamed(specText: string, name: string): string {
  if (!/^name:.*$/m.test(specText)) throw new Error("the spec has no top-level name to replace");
  return specText.replace(/^name:.*$/m, `name: ${name}`);
}
