/**
 * The provisioner settings the planner needs, read from the same variables as the Functions app, with
 * local defaults so `envctl plan` works on a laptop without any configuration.
 */
import { LOCAL_STACK_PRINCIPAL_ID } from "../lib/config";
import type { PlanContext } from "../lib/plan/context";

/** Local default of `PROVISIONER_PRINCIPAL_ID`: the principal the local stack (`npm start`) provisions as. */
export const LOCAL_PRINCIPAL_ID = LOCAL_STACK_PRINCIPAL_ID;

/** Local default of `PROVISIONER_ALLOWED_IP_RANGES`: loopback, where the local emulator answers. */
export const LOCAL_IP_RANGES: readonly string[] = ["127.0.0.1/32"];

/**
 * The plan context from `PROVISIONER_PRINCIPAL_ID` and `PROVISIONER_ALLOWED_IP_RANGES` (comma-separated
 * CIDRs); unset or empty variables take the local defaults. Values are checked by the planner.
 */
export function planContextFromEnv(env: Readonly<Record<string, string | undefined>>): PlanContext {
  const principal = env.PROVISIONER_PRINCIPAL_ID?.trim();
  const ranges = (env.PROVISIONER_ALLOWED_IP_RANGES ?? "")
    .split(",")
    .map((range) => range.trim())
    .filter((range) => range !== "");
  return {
    provisionerPrincipalId: principal || LOCAL_PRINCIPAL_ID,
    provisionerIpRanges: ranges.length > 0 ? ranges : LOCAL_IP_RANGES,
  };
}
