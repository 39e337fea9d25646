/**
 * `POST /api/environments/{name}/plan`: what applying a plan would change against the live state, per
 * node, using the activities' own readers (`ARM_ADAPTERS[kind].get`) and comparison rules
 * (`diffDesired` with the adapter's options, `immutableDifferences`) so the preview and the build
 * cannot disagree. Read-only: GETs only.
 */
import { ARM_ADAPTERS, isArmNodeKind } from "../activities/adapters/table";
import type { AzureClients } from "../lib/azure/clients";
import { diffDesired, immutableDifferences } from "../lib/azure/compare";
import { classifyAzureError, isAzureError, isNotFoundError } from "../lib/azure/errors";
import { parseResourceId } from "../lib/azure/resource-id";
import type { Plan, PlanNode } from "../lib/plan/types";
import type { EngineSwitch } from "../lib/spec/pinned-engines";

/**
 * What applying would do to one node: `create` (absent), `update` (differs), `unchanged`, `blocked`
 * (differs in a property Azure cannot change after creation; the build fails it rather than recreate),
 * `replace` (a new resource that takes the place of one the environment has, e.g. Azure Managed Redis
 * for an Azure Cache for Redis: HIGH risk, the data is not migrated), or `unknown` (a data-plane step,
 * re-checked on every apply; or the live state could not be read).
 */
export type NodeChange = "create" | "update" | "unchanged" | "blocked" | "replace" | "unknown";

/** The preview of one node. Property paths only: values stay out of the answer. */
export interface NodePreview {
  readonly key: string;
  readonly kind: PlanNode["kind"];
  readonly name: string;
  readonly change: NodeChange;
  /** Paths (into the plan's `desired`) that differ, for `update` and `blocked`. */
  readonly changedPaths?: readonly string[];
  /** The immutable paths among them, for `blocked`. */
  readonly immutablePaths?: readonly string[];
  /** Why the change is `unknown` or `replace`. */
  readonly reason?: string;
  /** For `replace`: the ARM ids of the resources it takes the place of (left in Azure, not deleted). */
  readonly replaces?: readonly string[];
  /** For `replace`: `high` — clients move to a new, empty resource. */
  readonly risk?: "high";
}

/** A redis module the spec moves to another engine: what replaces what. */
export interface EngineReplacement {
  readonly module: string;
  readonly from: EngineSwitch["from"];
  readonly to: EngineSwitch["to"];
  readonly risk: "high";
  /** Always false: nothing copies the old cache's data into the new one. */
  readonly dataMigrated: false;
  /** Node keys of the new engine's resources. */
  readonly creates: readonly string[];
  /** ARM ids of the old engine's resources (cache, private endpoint): left in Azure until deleted. */
  readonly leavesInPlace: readonly string[];
  readonly message: string;
}

/** The resource kinds each engine's cache consists of; the first is the cache itself. */
const ENGINE_KINDS: Readonly<Record<EngineSwitch["from"], readonly PlanNode["kind"][]>> = {
  "azure-cache-for-redis": ["redisCache"],
  "azure-managed-redis": ["managedRedisCluster", "managedRedisDatabase"],
};

/**
 * The replacements an apply of `plan` would make, from the engine switches the spec asked for and the
 * plan the environment was built with.
 */
export function engineReplacements(
  plan: Plan,
  recorded: Plan,
  switches: readonly EngineSwitch[],
): EngineReplacement[] {
  return switches.map((change) => {
    const oldNodes = recorded.nodes.filter((node) => node.module === change.module);
    const oldCache = oldNodes.filter((node) => ENGINE_KINDS[change.from].includes(node.kind));
    const oldEndpoint = oldNodes.filter((node) => node.kind === "privateEndpoint");
    const creates = plan.nodes
      .filter((node) => node.module === change.module && ENGINE_KINDS[change.to].includes(node.kind))
      .map((node) => node.key);
    return {
      module: change.module,
      from: change.from,
      to: change.to,
      risk: "high",
      dataMigrated: false,
      creates,
      leavesInPlace: [...oldCache, ...oldEndpoint].map((node) => node.id),
      message: `the cache "${change.module}" moves from ${change.from} to ${change.to}: a new, empty cache is built (host, port and key change; its data is not migrated) and the old one is left in place until you delete it`,
    };
  });
}

/** `previews` with each replacement's new cache marked `replace`, HIGH risk, naming what it replaces. */
export function withReplacements(
  previews: readonly NodePreview[],
  plan: Plan,
  replacements: readonly EngineReplacement[],
): NodePreview[] {
  return previews.map((preview) => {
    const replacement = replacements.find((r) => r.creates[0] === preview.key);
    if (!replacement || preview.change !== "create") return preview;
    const node = plan.nodes.find((candidate) => candidate.key === preview.key);
    return {
      key: preview.key,
      kind: node?.kind ?? preview.kind,
      name: preview.name,
      change: "replace",
      replaces: replacement.leavesInPlace.slice(0, 1),
      risk: "high",
      reason: replacement.message,
    };
  });
}

/** Reads a node's live resource; `undefined` when it does not exist. */
export type LiveReader = (node: PlanNode) => Promise<unknown>;

/** Nodes read at once: enough to be quick, few enough not to trip ARM's read throttling. */
const READ_CONCURRENCY = 8;

/** The reader over real (or emulator) clients, through the activities' adapters. */
export function armLiveReader(clients: AzureClients): LiveReader {
  return async (node) => {
    if (!isArmNodeKind(node.kind)) return undefined;
    try {
      return await ARM_ADAPTERS[node.kind].get(clients, parseResourceId(node.id), node);
    } catch (error) {
      const classified = classifyAzureError(error, node.id);
      if (isNotFoundError(classified)) return undefined;
      throw classified;
    }
  };
}

async function previewNode(node: PlanNode, read: LiveReader): Promise<NodePreview> {
  const base = { key: node.key, kind: node.kind, name: node.name };
  if (!isArmNodeKind(node.kind)) {
    return {
      ...base,
      change: "unknown",
      reason: "data-plane step: its values are re-checked on every apply",
    };
  }
  let live: unknown;
  try {
    live = await read(node);
  } catch (error) {
    const reason = isAzureError(error)
      ? `the live state could not be read: ${error.code}: ${error.azureMessage}`
      : "the live state could not be read";
    return { ...base, change: "unknown", reason };
  }
  if (live === undefined) return { ...base, change: "create" };
  const differences = diffDesired(node.desired, live, ARM_ADAPTERS[node.kind].compare);
  if (differences.length === 0) return { ...base, change: "unchanged" };
  const changedPaths = differences.map((difference) => difference.path);
  const immutable = immutableDifferences(differences, node.immutable).map((difference) => difference.path);
  return immutable.length > 0
    ? { ...base, change: "blocked", changedPaths, immutablePaths: immutable }
    : { ...base, change: "update", changedPaths };
}

/** Previews every node of `plan`, in plan order. */
export async function previewPlan(plan: Plan, read: LiveReader): Promise<NodePreview[]> {
  const previews: NodePreview[] = new Array(plan.nodes.length);
  let next = 0;
  const worker = async () => {
    while (next < plan.nodes.length) {
      const index = next++;
      previews[index] = await previewNode(plan.nodes[index]!, read);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, plan.nodes.length) }, worker));
  return previews;
}

/** Counts of each change, e.g. `{ create: 3, unchanged: 20 }`. */
export function countChanges(previews: readonly NodePreview[]): Record<NodeChange, number> {
  const counts: Record<NodeChange, number> = {
    create: 0,
    update: 0,
    unchanged: 0,
    blocked: 0,
    replace: 0,
    unknown: 0,
  };
  for (const preview of previews) counts[preview.change] += 1;
  return counts;
}
