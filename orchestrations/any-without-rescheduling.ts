/**
 * `Task.any` over tasks of which some were already scheduled by an earlier `Task.any`, without scheduling
 * those again.
 *
 * durable-functions 3.x builds a `Task.any`'s action from every child's action, and sends it the first time
 * that `Task.any` is yielded, so a task awaited again in a new `Task.any` has its action sent twice: the
 * host launches the activity or sub-orchestration a second time, or (the devhost, the fast driver) reports
 * a non-deterministic replay (Azure/azure-functions-durable-js#574, open). The Python SDK fixed the same
 * bug by leaving already scheduled children out of the compound's action
 * (Azure/azure-functions-durable-python#446); this does that from outside the library, which marks a task
 * `alreadyScheduled` when a yield sends its action. A child's completion still reaches the new `Task.any`:
 * constructing it makes it the parent of every child.
 *
 * Not for tasks that wait for an external event: the library registers such a wait for its event once per
 * yield, and the extra registrations would take later events meant for other waits.
 *
 * It reads two members the library does not declare in its types (`alreadyScheduled`, the action's
 * `compoundActions`), checked at run time so that a library version without them fails loudly here
 * instead of scheduling work twice.
 */
import type { OrchestrationContext, Task } from "durable-functions";

/** What this module relies on of the library's task objects (durable-functions 3.x `DFTask`). */
interface ScheduledTaskInternals {
  alreadyScheduled: boolean;
  readonly actionObj: unknown;
}

/** What it relies on of a `Task.any`'s action (`WhenAnyAction`). */
interface CompoundActionInternals {
  compoundActions: unknown[];
}

function internalsOf(task: Task): ScheduledTaskInternals {
  const candidate = task as unknown as Partial<ScheduledTaskInternals>;
  if (typeof candidate.alreadyScheduled !== "boolean" || !("actionObj" in candidate))
    throw new Error(
      "durable-functions changed: a task has no 'alreadyScheduled' flag or 'actionObj' " +
        "(orchestrations/any-without-rescheduling.ts relies on the 3.x task internals)",
    );
  return candidate as ScheduledTaskInternals;
}

/**
 * A task that completes when the first of `tasks` completes or faults, its result that task, as
 * `context.df.Task.any` — except that yielding it sends only the actions of tasks not yet scheduled.
 * @param tasks - at least one; none of them completed yet (a `Task.any` built over a task that already
 *   has its result would never hear of it)
 */
export function anyWithoutRescheduling(context: OrchestrationContext, tasks: readonly Task[]): Task {
  const any = context.df.Task.any([...tasks]);
  const anyInternals = internalsOf(any);
  const unscheduled = tasks.map(internalsOf).filter((task) => !task.alreadyScheduled);
  if (unscheduled.length === 0) {
    // Nothing to send: the library adds no action for a task already marked scheduled.
    anyInternals.alreadyScheduled = true;
    return any;
  }
  const action = anyInternals.actionObj as Partial<CompoundActionInternals> | undefined;
  if (!action || !Array.isArray(action.compoundActions))
    throw new Error(
      "durable-functions changed: Task.any's action has no 'compoundActions' " +
        "(orchestrations/any-without-rescheduling.ts relies on the 3.x action shape)",
    );
  action.compoundActions = unscheduled.map((task) => task.actionObj);
  return any;
}
