/**
 * Preflight: everything about a valid spec that Azure would refuse and that can be known before the first
 * write, checked before it and reported at once, like validation (docs/spec.md#before-the-first-write). It
 * runs where specs arrive — the HTTP apply, the plan preview, each queue message — after validation and
 * before the environment is claimed, and writes nothing (but a provider registration, where the identity
 * may register). The checks themselves are in `lib/preflight/`; this module runs them in order over the
 * subscription's clients, with the plan preview's live reads (`plan-preview.ts`) and the plan's required
 * actions (`activities/permissions.ts`).
 */
import { permissionsOfPlans } from "../activities/permissions";
import type { AzureClients } from "../lib/azure/clients";
import { isAzureError } from "../lib/azure/errors";
import type { Plan } from "../lib/plan/types";
import {
  checkPermissions,
  checkProviders,
  checkSubscription,
  checkTenant,
} from "../lib/preflight/access-checks";
import { createPreflightReads } from "../lib/preflight/azure-reads";
import type { PreflightCache } from "../lib/preflight/cache";
import { checkChanges } from "../lib/preflight/change-checks";
import { modulePathsOf, type PreflightContext } from "../lib/preflight/context";
import { PreflightFindings } from "../lib/preflight/findings";
import {
  checkClusterCapacity,
  checkKubernetesVersion,
  checkManagedRedis,
  checkNames,
  checkPostgres,
  checkPublicIpQuota,
} from "../lib/preflight/offer-checks";
import type { PreflightReport } from "../lib/preflight/types";
import { pinRecordedEngines } from "../lib/spec/pinned-engines";
import type { EnvironmentSpec } from "../lib/spec/types";
import { armLiveReader, previewPlan, type LiveReader, type NodePreview } from "./plan-preview";

/** What preflight checks: a validated spec and its plan. */
export interface PreflightTarget {
  readonly spec: EnvironmentSpec;
  readonly plan: Plan;
  /** Each module's document path (`validateSpec`'s `modulePaths`). @default - positions in `spec.modules` */
  readonly modulePaths?: Readonly<Record<string, string>>;
}

/**
 * What an apply of `spec` would build, for preflight: the spec with the engines the environment's record
 * pins (`recorded`, its last applied spec), planned as the claim plans it, so preflight checks the cache
 * the build would create (an Azure Cache for Redis kept, not the default Azure Managed Redis).
 * @returns `undefined` when the spec cannot keep its recorded engines: the claim refuses it with the
 *   problems, and there is nothing to preflight
 */
export function applyTargetOf(
  spec: EnvironmentSpec,
  recorded: EnvironmentSpec | undefined,
  plan: (spec: EnvironmentSpec) => Plan,
  modulePaths?: Readonly<Record<string, string>>,
): PreflightTarget | undefined {
  const pinned = pinRecordedEngines(spec, recorded);
  if (!pinned.ok) return undefined;
  return { spec: pinned.spec, plan: plan(pinned.spec), ...(modulePaths ? { modulePaths } : {}) };
}

/** What preflight needs: the clients (any subscription's: it uses the plan's) and the shared cache. */
export interface PreflightDeps {
  readonly clients: AzureClients;
  readonly cache: PreflightCache;
}

/** The report, and what applying would do to each node (the plan preview, read on the way). */
export interface PreflightResult {
  readonly report: PreflightReport;
  readonly nodes: readonly NodePreview[];
}

/** Every ARM node `create`, every data-plane step `unknown`: the preview of a resource group that does not exist. */
const nothingLive: LiveReader = () => Promise.resolve(undefined);

/**
 * Runs every check on `target`. Azure's failures never throw: a retryable one defers the spec, any other
 * is a problem; only a bug throws.
 */
export async function runPreflight(target: PreflightTarget, deps: PreflightDeps): Promise<PreflightResult> {
  const { spec, plan } = target;
  const findings = new PreflightFindings();
  let clients: AzureClients;
  try {
    clients = deps.clients.forSubscription(plan.subscriptionId);
  } catch (error) {
    // The allow-list changed since this environment was recorded.
    if (!isAzureError(error)) throw error;
    findings.refuse("subscription", error.code, "providers.azurerm.subscription_id", error.azureMessage);
    return { report: findings.report({ reads: 0, writes: 0 }), nodes: await previewPlan(plan, nothingLive) };
  }
  const reads = createPreflightReads(clients, deps.cache);
  const previews = new Map<string, NodePreview>();
  const live = new Map<string, unknown>();
  const context: PreflightContext = {
    spec,
    plan,
    reads,
    findings,
    modulePaths: target.modulePaths ?? modulePathsOf(spec),
    changeOf: (key) => previews.get(key) ?? { change: "create" },
    liveOf: (key) => live.get(key),
  };
  const done = async (nodes: readonly NodePreview[]): Promise<PreflightResult> => ({
    report: findings.report(reads.requests),
    nodes,
  });

  const [, reachable] = await Promise.all([checkTenant(context), checkSubscription(context)]);
  if (!reachable) return done(await previewPlan(plan, nothingLive));

  let resourceGroupExists: boolean | undefined;
  await findings.guard("changes", "", `resource group ${plan.resourceGroup}`, async () => {
    resourceGroupExists = await reads.resourceGroupExists(plan.resourceGroup);
  });
  if (resourceGroupExists === undefined) return done(await previewPlan(plan, nothingLive));
  // A new environment's resources cannot exist outside its new resource group: one read instead of one per node.
  const nodes = await previewPlan(
    plan,
    resourceGroupExists ? countedLiveReader(context, clients, live) : nothingLive,
  );
  for (const node of nodes) previews.set(node.key, node);

  const permissions = await checkPermissions(
    context,
    permissionsOfPlans([plan]).actions,
    resourceGroupExists,
  );
  await Promise.all([
    checkProviders(context, permissions),
    checkNames(context),
    checkKubernetesVersion(context),
    checkClusterCapacity(context),
    checkPublicIpQuota(context),
    checkPostgres(context),
    checkManagedRedis(context),
  ]);
  checkChanges(context);
  return done(nodes);
}

/**
 * The activities' own reader of live resources (so preflight, preview and build compare alike), counting
 * each read and keeping what it read; a read that fails defers (retryable) or refuses the spec, since what
 * the build would do to that node is then unknown.
 */
function countedLiveReader(
  context: PreflightContext,
  clients: AzureClients,
  live: Map<string, unknown>,
): LiveReader {
  const read = armLiveReader(clients);
  return async (node) => {
    context.reads.requests.reads += 1;
    try {
      const value = await read(node);
      if (value !== undefined) live.set(node.key, value);
      return value;
    } catch (error) {
      await context.findings.guard("changes", "", `${node.key} (${node.id})`, () => Promise.reject(error));
      throw error;
    }
  };
}
