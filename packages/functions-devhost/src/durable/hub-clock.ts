/**
 * The task hub's clock, stored with the hub (`<hub>DevhostClock`, one row) so that every host started on
 * the same storage continues the same durable time: timers and leases saved by a previous host are due
 * when it meant them to be, not as much later as that host had run ahead of the wall clock.
 */
import { TableClient } from "@azure/data-tables";
import { isInsecureConnection } from "../storage-connection";
import { continuedAnchor, scaledClock, type Clock, type ClockAnchor } from "./clock";

const PARTITION = "clock";
const ROW = "anchor";

function tableOf(connectionString: string, hubName: string): TableClient {
  return TableClient.fromConnectionString(connectionString, `${hubName}DevhostClock`, {
    allowInsecureConnection: isInsecureConnection(connectionString),
  });
}

function anchorOf(entity: Record<string, unknown>): ClockAnchor | undefined {
  const [wallMs, clockMs, factor] = [entity.wallMs, entity.clockMs, entity.factor].map(Number);
  return [wallMs, clockMs, factor].every((n) => Number.isFinite(n)) && (factor as number) > 0
    ? { wallMs: wallMs as number, clockMs: clockMs as number, factor: factor as number }
    : undefined;
}

/**
 * The clock of hub `hubName` running `factor` times faster than real time, continuing the stored one
 * (a new hub starts it now). The anchor is stored again when the factor changed.
 */
export async function hubClock(connectionString: string, hubName: string, factor: number): Promise<Clock> {
  const table = tableOf(connectionString, hubName);
  await table.createTable();
  let stored: ClockAnchor | undefined;
  try {
    stored = anchorOf(await table.getEntity(PARTITION, ROW));
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const anchor = continuedAnchor(stored, factor, Date.now());
  if (anchor !== stored) {
    // Doubles, not Int64: epoch milliseconds fit exactly, and they read back as plain numbers.
    await table.upsertEntity(
      {
        partitionKey: PARTITION,
        rowKey: ROW,
        wallMs: anchor.wallMs,
        clockMs: anchor.clockMs,
        factor: anchor.factor,
      },
      "Replace",
    );
  }
  return scaledClock(anchor.factor, anchor);
}
