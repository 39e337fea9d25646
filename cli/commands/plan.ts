/**
 * `envctl plan FILE`: with a service, the live diff against Azure (Terraform's `plan`, with its
 * `-detailed-exitcode`) and what the service's preflight says Azure would refuse before the first write;
 * without one, or `--offline`, the resources by stage, their dependencies, the critical path and the
 * build time, computed here.
 *
 * Preflight is asked of the service rather than of Azure on purpose: what it checks — the tenant of the
 * credential, its permissions, the subscriptions it may build in — belongs to the identity that will
 * build, not to whoever runs envctl, and envctl keeps needing no Azure credential.
 */
import { planEnvironment } from "../../lib/plan/plan";
import { summarizePlan, type PlanSummary } from "../../lib/plan/summary";
import type { Plan } from "../../lib/plan/types";
import { isPlanContextError } from "../../lib/plan/errors";
import { DETAILED_PLAN_EXIT, EXIT } from "../exit-codes";
import { formatDuration, formatProblem, formatTable } from "../format";
import type { CliIo } from "../io";
import { planContextFromEnv } from "../provisioner-context";
import { validateSpecFile } from "../spec-file";
import { serviceClient, type ServiceClient } from "../service/client";
import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from "../service/connection";
import { UsageError, type CliCommand } from "./command";
import { hasChanges, printDiff, reportPreflight } from "./plan-diff";
import {
  onePositional,
  parseCommand,
  printCommandHelp,
  readSpecForApi,
  refused,
  specBody,
} from "./service-command";

export const planCommand: CliCommand = {
  name: "plan",
  summary:
    "show what applying would change in Azure (create, update, unchanged, blocked); offline: the resources, critical path and build time",
  usage: "envctl plan FILE [--offline | --preflight] [--detailed-exitcode] [--json]",
  details: [
    "  With a service configured (envctl login, ENVCTL_URL/ENVCTL_KEY, --url/--key): the live diff against Azure,",
    "  one line per resource that would change. Without one, or with --offline: the plan computed here.",
    "  The live diff ends with preflight's verdict: exit 2 with every problem when Azure would refuse the spec,",
    "  75 when preflight could not finish now (Azure throttled or failed a read): run it again later.",
    "  --offline                      plan here, without the service: resources by stage, critical path, build time",
    "  --preflight                    insist on the service's diff and preflight: a usage error when no service is configured",
    "  --detailed-exitcode            (live diff) Terraform's codes: 0 nothing would change, 2 something would, 1 any error",
    "  --json                         print the service's diff, or { plan, summary } offline, on standard output",
    ...CONNECTION_HELP,
    "  PROVISIONER_PRINCIPAL_ID       (offline) object id the roles are granted to (default: the local stack's principal)",
    "  PROVISIONER_ALLOWED_IP_RANGES  (offline) comma-separated CIDRs for the Key Vault firewall and AKS API (default: 127.0.0.1/32)",
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, {
      ...CONNECTION_OPTIONS,
      json: { type: "boolean" },
      offline: { type: "boolean" },
      preflight: { type: "boolean" },
      "detailed-exitcode": { type: "boolean" },
    });
    if (values.help) return printCommandHelp(io, this);
    const file = onePositional(positionals, "spec FILE");
    if (values.offline && values.preflight)
      throw new UsageError("--preflight asks the service; --offline does not: choose one");
    const connection = values.offline ? undefined : await resolveConnection(io, values);
    if (!connection) {
      if (values.preflight)
        throw new UsageError(
          "--preflight asks the service: run envctl login URL, or set ENVCTL_URL and ENVCTL_KEY",
        );
      if (values["detailed-exitcode"])
        throw new UsageError(
          "--detailed-exitcode compares with Azure: it needs the service (envctl login URL)",
        );
      const code = await offlinePlan(io, file, values.json === true);
      if (code === EXIT.ok && !values.offline)
        io.err("(offline plan: no service configured; envctl login URL shows the diff against Azure)");
      return code;
    }
    const code = await livePlan(io, serviceClient(connection, io.fetch), file, values.json === true);
    if (!values["detailed-exitcode"]) return code === CHANGES ? EXIT.ok : code;
    return code === CHANGES
      ? DETAILED_PLAN_EXIT.changes
      : code === EXIT.ok
        ? DETAILED_PLAN_EXIT.noChanges
        : DETAILED_PLAN_EXIT.error;
  },
};

/** livePlan's own code for "done, and something would change" (mapped by the caller). */
const CHANGES = -1;

async function livePlan(io: CliIo, client: ServiceClient, file: string, json: boolean): Promise<number> {
  const spec = await readSpecForApi(io, file);
  if (!spec.ok) return spec.exit;
  const answer = await client.preview(spec.environmentId, specBody(spec.text));
  if (!answer.ok) return refused(io, answer.problem);
  if (json) io.out(JSON.stringify(answer.body, null, 2));
  else printDiff(io, answer.body);
  const verdict = reportPreflight(io, file, answer.body, json);
  if (verdict !== EXIT.ok) return verdict;
  return hasChanges(answer.body) ? CHANGES : EXIT.ok;
}

async function offlinePlan(io: CliIo, file: string, json: boolean): Promise<number> {
  const result = await validateSpecFile(io, file);
  result.warnings.forEach((warning) => io.err(`warning: ${formatProblem(warning)}`));
  if (!result.ok) {
    io.err(
      `${file}: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; nothing planned`,
    );
    result.problems.forEach((problem) => io.err(`  ${formatProblem(problem)}`));
    return EXIT.refused;
  }
  let plan: Plan;
  try {
    plan = planEnvironment(result.spec, planContextFromEnv(io.env));
  } catch (error) {
    if (!isPlanContextError(error)) throw error;
    io.err(`provisioner settings: ${error.message}`);
    return EXIT.refused;
  }
  const summary = summarizePlan(plan);
  if (json) io.out(JSON.stringify({ plan, summary }, null, 2));
  else printPlan(io, plan, summary);
  return EXIT.ok;
}

function printPlan(io: CliIo, plan: Plan, summary: PlanSummary): void {
  io.out(
    `Plan for ${plan.environmentId}: ${plan.nodes.length} resources in ${plan.resourceGroup} (${plan.location})`,
  );
  io.out(
    `Estimated build time: ${formatDuration(summary.estimatedBuildSec)} (critical path, steps in parallel)`,
  );
  const timing = new Map(summary.schedule.map((entry) => [entry.key, entry]));
  for (const stage of summary.stages) {
    io.out("");
    io.out(
      `${stage.stage} — ${stage.nodeCount} resources, from ${formatDuration(stage.startSec)} to ${formatDuration(stage.finishSec)}`,
    );
    const rows = plan.nodes
      .filter((node) => node.stage === stage.stage)
      .sort((a, b) => timing.get(a.key)!.startSec - timing.get(b.key)!.startSec || a.key.localeCompare(b.key))
      .map((node) => [
        node.key,
        node.kind,
        node.name,
        `~${formatDuration(node.estimatedDurationSec)}`,
        node.dependsOn.length > 0 ? `after ${node.dependsOn.join(", ")}` : "",
      ]);
    formatTable(rows).forEach((line) => io.out(line));
  }
  io.out("");
  io.out(`Critical path (${formatDuration(summary.criticalPath.lengthSec)}):`);
  const byKey = new Map(plan.nodes.map((node) => [node.key, node]));
  io.out(
    `  ${summary.criticalPath.keys.map((key) => `${key} (${formatDuration(byKey.get(key)!.estimatedDurationSec)})`).join(" → ")}`,
  );
  const pinned = Object.keys(plan.pinnedDefaults);
  if (pinned.length > 0) io.out(`Defaults pinned for modules: ${pinned.join(", ")} (see --json)`);
  io.out(`Plan hash: ${plan.hash}`);
}
