/**
 * `envctl plan FILE`: the resources by stage, their dependencies, the critical path and the build time,
 * offline. With `--preflight`, also what the running service's preflight says Azure would refuse before
 * the first write (`cli/preflight-client.ts`).
 */
import { parseArgs } from "node:util";
import { planEnvironment } from "../../lib/plan/plan";
import { summarizePlan, type PlanSummary } from "../../lib/plan/summary";
import type { Plan } from "../../lib/plan/types";
import { isPlanContextError } from "../../lib/plan/errors";
import { EXIT } from "../exit-codes";
import { formatDuration, formatProblem, formatTable } from "../format";
import type { CliIo } from "../io";
import { planContextFromEnv } from "../provisioner-context";
import { askPreflight, serviceAddress, type PreflightAnswer } from "../preflight-client";
import { readSpecSizedFile } from "../spec-file";
import { validateSpec } from "../../lib/spec/validate";
import { UsageError, type CliCommand } from "./command";

/** `FILE [--json] [--preflight [--api URL]] [--help]`. @throws UsageError */
function parsePlanArguments(args: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean" },
        preflight: { type: "boolean" },
        api: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { help: true as const };
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "missing the spec FILE"
        : `expected one spec FILE, got ${positionals.length}`,
    );
  }
  if (values.api !== undefined && values.preflight !== true)
    throw new UsageError("--api goes with --preflight");
  return {
    help: false as const,
    file: positionals[0]!,
    json: values.json === true,
    preflight: values.preflight === true,
    api: values.api,
  };
}

export const planCommand: CliCommand = {
  name: "plan",
  summary: "print the resources a spec builds, by stage, with the critical path and estimated build time",
  usage: "envctl plan FILE [--json] [--preflight [--api URL]]",
  details: [
    "  --json                         print { plan, summary } (with --preflight: and preflight, changes) on standard output",
    "  --preflight                    also ask the running service what Azure would refuse before the first write",
    "                                 (its plan preview, with its own identity and settings); exit 2 when refused,",
    "                                 75 when it could not answer now",
    "  --api URL, ENVCTL_API_URL      the service's API, e.g. http://127.0.0.1:7071/api; ENVCTL_FUNCTION_KEY its key",
    "  PROVISIONER_PRINCIPAL_ID       object id the roles are granted to (default: the local stack's principal)",
    "  PROVISIONER_ALLOWED_IP_RANGES  comma-separated CIDRs for the Key Vault firewall and AKS API (default: 127.0.0.1/32)",
  ],
  async run(args, io) {
    const options = parsePlanArguments(args);
    if (options.help) {
      [`usage: ${this.usage}`, ...this.details].forEach((line) => io.out(line));
      return EXIT.ok;
    }
    const { file, json } = options;
    const service = options.preflight ? serviceAddress(io.env, options.api) : undefined;
    if (service && "missing" in service)
      throw new UsageError(`--preflight needs ${service.missing.join(" and ")}`);
    const text = await readSpecSizedFile(io, file);
    const result = text.ok
      ? validateSpec(text.text)
      : { ok: false as const, problems: [text.problem], warnings: [] };
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
    if (!service || !text.ok) {
      if (json) io.out(JSON.stringify({ plan, summary }, null, 2));
      else printPlan(io, plan, summary);
      return EXIT.ok;
    }
    const answer = await askPreflight(io, service, plan.environmentId, text.text);
    if (json) {
      io.out(JSON.stringify({ plan, summary, ...preflightJson(answer) }, null, 2));
    } else {
      printPlan(io, plan, summary);
      io.out("");
    }
    return reportPreflight(io, file, answer, json);
  },
};

function preflightJson(answer: PreflightAnswer): Record<string, unknown> {
  if (answer.kind === "report") return { preflight: answer.report, changes: answer.changes };
  if (answer.kind === "invalid") return { preflight: { outcome: "refused", problems: answer.problems } };
  return { preflight: { outcome: "unavailable", reason: answer.reason } };
}

/** Prints preflight's findings like validation's (problems on stderr); @returns the exit code. */
function reportPreflight(io: CliIo, file: string, answer: PreflightAnswer, json: boolean): number {
  if (answer.kind === "unavailable") {
    io.err(`${file}: preflight could not be asked: ${answer.reason}`);
    if (answer.keyRefused)
      io.err("  check ENVCTL_FUNCTION_KEY: the function key npm start printed (or az functionapp keys list)");
    return answer.keyRefused ? EXIT.refused : EXIT.tryAgainLater;
  }
  if (answer.kind === "invalid") {
    io.err(`${file}: refused by the service: ${answer.detail}`);
    answer.problems.forEach((problem) => io.err(`  ${formatProblem(problem)}`));
    return EXIT.refused;
  }
  const { report } = answer;
  report.warnings.forEach((warning) => io.err(`warning: ${formatProblem(warning)}`));
  const reads = `${report.requests.reads} Azure read${report.requests.reads === 1 ? "" : "s"}`;
  if (report.outcome === "refused") {
    const count = report.problems.length;
    io.err(
      `${file}: preflight: ${count} problem${count === 1 ? "" : "s"} Azure would refuse; nothing was written`,
    );
    report.problems.forEach((problem) => io.err(`  ${formatProblem(problem)}`));
    return EXIT.refused;
  }
  if (report.outcome === "deferred") {
    io.err(`${file}: preflight could not finish; try again in ${report.retryAfterSec ?? 30} s`);
    report.deferred.forEach((entry) => io.err(`  ${formatProblem(entry)}`));
    return EXIT.tryAgainLater;
  }
  const changes = Object.entries(answer.changes)
    .filter(([, count]) => count > 0)
    .map(([change, count]) => `${count} ${change}`)
    .join(", ");
  // With --json, standard output holds the JSON document alone.
  if (!json) io.out(`Preflight: passed (${reads}); applying would: ${changes}`);
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
