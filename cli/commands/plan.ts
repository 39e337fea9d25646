/** `envctl plan FILE`: the resources by stage, their dependencies, the critical path and the build time. */
import { planEnvironment } from "../../lib/plan/plan";
import { summarizePlan, type PlanSummary } from "../../lib/plan/summary";
import type { Plan } from "../../lib/plan/types";
import { isPlanContextError } from "../../lib/plan/errors";
import { EXIT } from "../exit-codes";
import { formatDuration, formatProblem, formatTable } from "../format";
import type { CliIo } from "../io";
import { planContextFromEnv } from "../provisioner-context";
import { validateSpecFile } from "../spec-file";
import { parseSpecFileArguments } from "./arguments";
import type { CliCommand } from "./command";

export const planCommand: CliCommand = {
  name: "plan",
  summary: "print the resources a spec builds, by stage, with the critical path and estimated build time",
  usage: "envctl plan FILE [--json]",
  details: [
    "  --json                         print { plan, summary } on standard output",
    "  PROVISIONER_PRINCIPAL_ID       object id the roles are granted to (default: the local stack's principal)",
    "  PROVISIONER_ALLOWED_IP_RANGES  comma-separated CIDRs for the Key Vault firewall and AKS API (default: 127.0.0.1/32)",
  ],
  async run(args, io) {
    const { file, json, help } = parseSpecFileArguments(args);
    if (help) {
      [`usage: ${this.usage}`, ...this.details].forEach((line) => io.out(line));
      return EXIT.ok;
    }
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
  },
};

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
