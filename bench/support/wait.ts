/** Bounded waiting for Durable instances to end. */
import type { InstanceStatus, RuntimeStatus } from "@azure-env-provisioner/functions-devhost";

const TERMINAL: readonly RuntimeStatus[] = ["Completed", "Failed", "Terminated"];

/**
 * Polls `read` every `intervalMs` until the instance has ended.
 * @throws Error after `timeoutMs` of wall time, with the last status seen
 */
export async function waitUntilEnded(
  read: () => Promise<InstanceStatus | undefined>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: InstanceStatus | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (last && TERMINAL.includes(last.runtimeStatus)) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `not ended within ${timeoutMs / 1000} s; last status ${JSON.stringify(last?.runtimeStatus ?? "none")}`,
  );
}
