/**
 * A batch of environments for the queue benchmark: copies of the example, each with its own name (so
 * its own resource group and Durable instance), validated before they are sent.
 */
import { parse } from "yaml";
import { validateSpec } from "../../lib/spec/validate";
import type { Plan } from "../../lib/plan/types";
import { emulatorPlanOf, exampleSpecText } from "./example-plan";

/** One environment of the batch: the spec as sent and its plan as the app will make it. */
export interface BatchEnvironment {
  readonly spec: Record<string, unknown>;
  readonly plan: Plan;
}

/**
 * `count` copies of the example named `bench-001`, `bench-002`, ….
 * @throws Error naming the problems when a copy does not validate
 */
export function batchEnvironments(count: number): BatchEnvironment[] {
  const example = parse(exampleSpecText()) as Record<string, unknown>;
  return Array.from({ length: count }, (_, i) => {
    const spec = { ...example, name: `bench-${String(i + 1).padStart(3, "0")}` };
    const validation = validateSpec(spec);
    if (!validation.ok)
      throw new Error(`${spec.name} does not validate: ${JSON.stringify(validation.problems)}`);
    return { spec, plan: emulatorPlanOf(validation.spec) };
  });
}
