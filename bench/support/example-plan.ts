/**
 * The example environment (`examples/staging.yaml`) as the benchmarks submit it, and its plan as the
 * app makes it on the emulator (the local stack's principal, loopback firewall ranges), for the figures
 * the plan predicts.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { LOCAL_STACK_PRINCIPAL_ID } from "../../lib/config";
import { planEnvironment } from "../../lib/plan";
import type { Plan } from "../../lib/plan/types";
import type { EnvironmentSpec } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { PROJECT_ROOT } from "./stack";

/** The example the benchmarks build, relative to the project root. */
export const EXAMPLE_SPEC_PATH = join("examples", "staging.yaml");

/**
 * A spec's YAML text.
 * @param path - relative to the project root, or absolute @default EXAMPLE_SPEC_PATH
 */
export function exampleSpecText(path: string = EXAMPLE_SPEC_PATH): string {
  return readFileSync(resolve(PROJECT_ROOT, path), "utf8");
}

/**
 * A spec, validated. @throws Error naming the problems when it does not validate
 * @param path - relative to the project root, or absolute @default EXAMPLE_SPEC_PATH
 */
export function exampleSpec(path: string = EXAMPLE_SPEC_PATH): EnvironmentSpec {
  const validation = validateSpec(exampleSpecText(path));
  if (!validation.ok) throw new Error(`${path} does not validate: ${JSON.stringify(validation.problems)}`);
  return validation.spec;
}

/** The plan of `spec` as the app on the emulator makes it (functions/app-context.ts `plannerOf`). */
export function emulatorPlanOf(spec: EnvironmentSpec): Plan {
  return planEnvironment(spec, {
    provisionerPrincipalId: LOCAL_STACK_PRINCIPAL_ID,
    provisionerIpRanges: ["127.0.0.1/32"],
  });
}
