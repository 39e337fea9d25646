/** Plans of the project's example specs, as the orchestration tests build them on the emulator. */
import { readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { planEnvironment } from "../../lib/plan";
import type { Plan } from "../../lib/plan/types";
import { parseEnvironmentSpec } from "../../lib/spec";

/** The provisioner's identity in the emulator: the plan grants it the vault and cluster roles. */
export const PRINCIPAL_ID = "00000000-0000-0000-0000-0000000c0de5";

/** The project root, from the sources (tsx) or the compiled tests (`dist/test/…`). */
const PROJECT_ROOT = __dirname.split(sep).includes("dist")
  ? join(__dirname, "..", "..", "..")
  : join(__dirname, "..", "..");

/** Plans `examples/<file>` for the emulator (the provisioner connects from loopback). */
export function examplePlan(file = "staging.yaml", rename?: string): Plan {
  const text = readFileSync(join(PROJECT_ROOT, "examples", file), "utf8");
  const spec = parseEnvironmentSpec(rename ? text.replace(/^name: .*$/m, `name: ${rename}`) : text);
  return planEnvironment(spec, {
    provisionerPrincipalId: PRINCIPAL_ID,
    provisionerIpRanges: ["127.0.0.1/32"],
  });
}
