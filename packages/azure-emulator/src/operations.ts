/**
 * Long-running operations. Each write that takes time on Azure starts an operation whose end time is
 * fixed when it starts (duration from the latency model × time scale); status is read lazily against
 * the clock, so no timers run and a stopped emulator leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import { idKey } from "./resource-path.js";

/** What an operation does to its resource. */
export type OperationKind = "create" | "update" | "delete";

/** ARM operation status values. */
export type OperationStatus = "InProgress" | "Succeeded" | "Failed";

/** An injected or validation failure an operation ends with. */
export interface OperationFailure {
  readonly code: string;
  readonly message: string;
}

/** One running or finished operation. */
export interface Operation {
  readonly id: string;
  readonly resourceId: string;
  readonly resourceType: string;
  readonly kind: OperationKind;
  readonly startedAtMs: number;
  /** `Infinity` for an operation injected to never finish. */
  readonly endsAtMs: number;
  /** Set when the operation is to end `Failed`. */
  readonly failure?: OperationFailure;
  /** Poll interval hint on real Azure, already scaled, in milliseconds. */
  readonly pollIntervalMs: number;
  status: OperationStatus;
  endedAtMs?: number;
}

/** Finished operations kept for late polls; older ones are forgotten first. */
const MAX_FINISHED_OPERATIONS = 10_000;

/** Operations by id, and the running one per resource. */
export class OperationTracker {
  private readonly operations = new Map<string, Operation>();
  private readonly runningByResource = new Map<string, string>();

  start(spec: Omit<Operation, "id" | "status">): Operation {
    const operation: Operation = { ...spec, id: randomUUID(), status: "InProgress" };
    this.operations.set(operation.id, operation);
    this.runningByResource.set(idKey(operation.resourceId), operation.id);
    this.prune();
    return operation;
  }

  get(id: string): Operation | undefined {
    return this.operations.get(id.toLowerCase());
  }

  /** The operation still running on `resourceId`, if any. */
  runningOn(resourceId: string): Operation | undefined {
    const id = this.runningByResource.get(idKey(resourceId));
    return id === undefined ? undefined : this.operations.get(id);
  }

  /** Running operations whose end time has come, oldest first. */
  due(nowMs: number): Operation[] {
    return [...this.runningByResource.values()]
      .map((id) => this.operations.get(id))
      .filter((op): op is Operation => op !== undefined && op.endsAtMs <= nowMs)
      .sort((a, b) => a.endsAtMs - b.endsAtMs);
  }

  finish(operation: Operation, nowMs: number): void {
    operation.status = operation.failure === undefined ? "Succeeded" : "Failed";
    operation.endedAtMs = nowMs;
    if (this.runningByResource.get(idKey(operation.resourceId)) === operation.id) {
      this.runningByResource.delete(idKey(operation.resourceId));
    }
  }

  /** Forgets the running operations on `resourceId` and below (its resource is gone). */
  abandonUnder(resourceId: string, nowMs: number): void {
    const prefix = idKey(resourceId);
    for (const [key, id] of [...this.runningByResource]) {
      if (key !== prefix && !key.startsWith(`${prefix}/`)) continue;
      const op = this.operations.get(id);
      if (op) this.finish(op, nowMs);
    }
  }

  running(): Operation[] {
    return [...this.runningByResource.values()].flatMap((id) => this.operations.get(id) ?? []);
  }

  clear(): void {
    this.operations.clear();
    this.runningByResource.clear();
  }

  /** Every kept operation, JSON-safe (a never-ending one has `endsAtMs: null`). */
  snapshot(): unknown[] {
    return [...this.operations.values()].map((op) => ({
      ...op,
      endsAtMs: Number.isFinite(op.endsAtMs) ? op.endsAtMs : null,
    }));
  }

  /**
   * Loads a {@link snapshot}. End times are wall-clock, so operations that were running keep running
   * and finish when they would have — pollers resumed after a restart still find their operation.
   */
  restore(saved: readonly unknown[]): void {
    this.clear();
    for (const raw of saved) {
      const op = raw as Operation & { endsAtMs: number | null };
      const operation: Operation = { ...op, endsAtMs: op.endsAtMs ?? Infinity };
      this.operations.set(operation.id, operation);
      if (operation.status === "InProgress")
        this.runningByResource.set(idKey(operation.resourceId), operation.id);
    }
  }

  private prune(): void {
    if (this.operations.size <= MAX_FINISHED_OPERATIONS) return;
    for (const [id, op] of this.operations) {
      if (this.operations.size <= MAX_FINISHED_OPERATIONS) break;
      if (op.status !== "InProgress") this.operations.delete(id);
    }
  }
}
