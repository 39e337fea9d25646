/**
 * Opta's sequential schedule on the same latencies, for comparison: Opta applies modules in blocks
 * split at `halt` modules (docs/adr/0003-stages-as-views.md#opta) — the base network first, then the cluster, then the
 * data services with their secrets — and a block starts only when the previous one has ended. Within a
 * block Terraform runs in parallel, so a block lasts its own critical path.
 */
import { criticalPath } from "../../lib/plan/graph";
import type { Plan, PlanNode, Stage } from "../../lib/plan/types";

/** One of Opta's blocks: which plan stages it applies. */
export interface OptaBlock {
  readonly name: string;
  readonly stages: readonly Stage[];
}

/** Opta's blocks for the modules this project builds, in the order it applies them. */
export const OPTA_BLOCKS: readonly OptaBlock[] = [
  { name: "base (network, DNS, Key Vault)", stages: ["network"] },
  { name: "cluster", stages: ["cluster"] },
  { name: "data services + secrets", stages: ["data", "secrets"] },
];

/** A block's length, in seconds on real Azure. */
export interface OptaBlockLength {
  readonly block: OptaBlock;
  readonly nodeCount: number;
  /** The block's own critical path: dependencies on earlier blocks are already met when it starts. */
  readonly lengthSec: number;
}

/** Opta's schedule of `plan`: each block's length and their sum (blocks run one after another). */
export function optaSequentialSchedule(plan: Plan): { blocks: OptaBlockLength[]; totalSec: number } {
  const blocks = OPTA_BLOCKS.map((block) => {
    const members = plan.nodes.filter((node) => block.stages.includes(node.stage));
    const inBlock = new Set(members.map((node) => node.key));
    const local: PlanNode[] = members.map((node) => ({
      ...node,
      dependsOn: node.dependsOn.filter((key) => inBlock.has(key)),
    }));
    return { block, nodeCount: members.length, lengthSec: criticalPath(local).lengthSec };
  });
  return { blocks, totalSec: blocks.reduce((sum, block) => sum + block.lengthSec, 0) };
}
