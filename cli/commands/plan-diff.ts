/** The live diff as people read it, Terraform-style: one line per resource that would change, then totals. */
import type { NodeChange } from "../../functions/plan-preview";
import { EXIT } from "../exit-codes";
import { formatProblem, formatTable } from "../format";
import type { CliIo } from "../io";
import type { PreviewAnswer } from "../service/client";

const SYMBOL: Record<NodeChange, string> = {
  create: "+",
  update: "~",
  blocked: "!",
  replace: "-/+",
  unknown: "?",
  unchanged: "=",
};

/** Whether applying would change something in Azure (re-checked data-plane steps do not count). */
export function hasChanges(preview: PreviewAnswer): boolean {
  const { create, update, blocked, replace } = preview.changes;
  return create + update + blocked + replace > 0;
}

/** `Plan: 3 to create, 1 to update, 28 unchanged, 1 to replace, 1 blocked, 2 re-checked on apply.` */
export function diffTotals(preview: PreviewAnswer): string {
  const { create, update, unchanged, blocked, replace, unknown } = preview.changes;
  const parts = [`${create} to create`, `${update} to update`, `${unchanged} unchanged`];
  if (replace > 0) parts.push(`${replace} to replace`);
  if (blocked > 0) parts.push(`${blocked} blocked`);
  if (unknown > 0) parts.push(`${unknown} re-checked on apply`);
  return `Plan: ${parts.join(", ")}.`;
}

/** Prints the diff: the resources that would change, unchanged ones only counted. */
export function printDiff(io: Pick<CliIo, "out">, preview: PreviewAnswer): void {
  const applied = preview.lastAppliedPlanHash
    ? preview.lastAppliedPlanHash === preview.planHash
      ? ", as last applied"
      : `, last applied ${preview.lastAppliedPlanHash.slice(0, 12)}`
    : ", never applied";
  io.out(`${preview.environmentId} against Azure now (plan ${preview.planHash.slice(0, 12)}${applied}):`);
  const rows = preview.nodes
    .filter((node) => node.change !== "unchanged")
    .map((node) => {
      const what =
        node.change === "update"
          ? `update: ${node.changedPaths?.join(", ") ?? ""}`
          : node.change === "blocked"
            ? `blocked: ${node.immutablePaths?.join(", ") ?? ""} cannot change after creation`
            : node.change === "replace"
              ? `replace (HIGH risk): ${node.reason ?? ""}`
              : node.change === "unknown"
                ? node.reason?.startsWith("data-plane step")
                  ? "re-checked on apply (data-plane step)"
                  : `unknown: ${node.reason ?? ""}`
                : node.change;
      return [`${SYMBOL[node.change]} ${node.key}`, node.kind, what];
    });
  if (rows.length === 0) io.out("  every resource matches the spec");
  else formatTable(rows).forEach((line) => io.out(line));
  io.out(diffTotals(preview));
}

/** Prints preflight's findings like validation's (problems on standard error); @returns the exit code. */
export function reportPreflight(
  io: Pick<CliIo, "out" | "err">,
  file: string,
  preview: PreviewAnswer,
  json: boolean,
): number {
  const report = preview.preflight;
  if (!report) return EXIT.ok;
  report.warnings.forEach((warning) => io.err(`warning: ${formatProblem(warning)}`));
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
  const reads = `${report.requests.reads} Azure read${report.requests.reads === 1 ? "" : "s"}`;
  // With --json, standard output holds the JSON document alone.
  if (!json) io.out(`Preflight: passed (${reads})`);
  return EXIT.ok;
}
