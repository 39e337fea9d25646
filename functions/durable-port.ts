/**
 * The {@link OrchestrationClient} over a real `durable-functions` client, so the same trigger code runs
 * under `func start`, in Azure and in the devhost.
 */
import type { DurableClient } from "durable-functions";
import type { InstanceSnapshot, OrchestrationClient } from "./ports";

/** The durable client reports an unknown instance by throwing with the extension's 404. */
function isUnknownInstance(error: unknown): boolean {
  return error instanceof Error && /\b404\b/.test(error.message);
}

function iso(value: Date | string | undefined): string {
  return value === undefined ? new Date(0).toISOString() : new Date(value).toISOString();
}

/** Adapts `client` (from `df.getClient(context)`). */
export function orchestrationClientOf(client: DurableClient): OrchestrationClient {
  return {
    async startNew(name, instanceId, input) {
      await client.startNew(name, { instanceId, input });
    },
    async getStatus(instanceId): Promise<InstanceSnapshot | undefined> {
      try {
        const status = await client.getStatus(instanceId, { showInput: false });
        if (!status?.runtimeStatus) return undefined;
        return {
          instanceId,
          runtimeStatus: String(status.runtimeStatus),
          customStatus: status.customStatus ?? null,
          output: status.output ?? null,
          createdTime: iso(status.createdTime),
          lastUpdatedTime: iso(status.lastUpdatedTime),
        };
      } catch (error) {
        if (isUnknownInstance(error)) return undefined;
        throw error;
      }
    },
    async terminate(instanceId, reason) {
      await client.terminate(instanceId, reason);
    },
  };
}
