/** The live diff as people read it, Terraform-style: one line per resource that would change, then totals. */
import type { NodeChange } from "../../functions/plan-preview";
import { formatTable } from "../format";
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
