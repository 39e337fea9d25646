/**
 * The app's dependencies, built once per process from its settings (Functions app settings, or
 * `local.settings.json` through Core Tools or the devhost): the record tables on `AzureWebJobsStorage`,
 * the provisioner configuration, the planner with the provisioner's identity and addresses, and (only
 * when preflight or a plan preview asks) the Azure clients, with preflight's cache.
 */
import { createAzureClients, type AzureClients } from "../lib/azure/clients";
import { loadConfig, type ProvisionerConfig } from "../lib/config";
import { planEnvironment } from "../lib/plan";
import { PreflightCache } from "../lib/preflight/cache";
import {
  RECORD_TABLES,
  createAuditLog,
  createEnvironmentRecords,
  createRequestResults,
  openTable,
  storageConnectionFrom,
  type AuditLog,
  type EnvironmentRecords,
  type RequestResults,
} from "./records";
import type { Planner } from "./ports";
import { runPreflight, type PreflightResult, type PreflightTarget } from "./preflight";

/** Everything the triggers share. */
export interface AppContext {
  readonly config: ProvisionerConfig;
  readonly records: EnvironmentRecords;
  readonly requestResults: RequestResults;
  /** The append-only audit table (`environmentAudit`). */
  readonly audit: AuditLog;
  readonly plan: Planner;
  /**
   * How many environments of one queue batch build at once (`PROVISIONER_MAX_CONCURRENT_BUILDS`).
   * @default - chosen per batch from ARM's write bucket (`writeBucketConcurrency`, lib/plan)
   */
  readonly maxConcurrentBuilds: number | undefined;
  /** Azure (or emulator) clients, created on first use. */
  azureClients(): AzureClients;
  /** Preflight of a validated spec (`preflight.ts`), over the shared clients and cache. */
  preflight(target: PreflightTarget): Promise<PreflightResult>;
}

/** The emulator answers from loopback; any address works there, and the planner needs at least one. */
const EMULATOR_IP_RANGES = ["127.0.0.1/32"];

/** The planner over the provisioner's identity and addresses from `config`. */
export function plannerOf(config: ProvisionerConfig): Planner {
  const ipRanges =
    config.allowedIpRanges.length > 0 || !config.emulatorMode ? config.allowedIpRanges : EMULATOR_IP_RANGES;
  return (spec) =>
    planEnvironment(spec, {
      // An empty id fails the planner's own check, which names the setting's meaning.
      provisionerPrincipalId: config.principalId ?? "",
      provisionerIpRanges: ipRanges,
    });
}

function maxConcurrentBuilds(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.PROVISIONER_MAX_CONCURRENT_BUILDS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Builds the context from `env`. @throws ConfigError when settings are invalid or storage is not set */
export async function createAppContext(env: NodeJS.ProcessEnv = process.env): Promise<AppContext> {
  const config = loadConfig(env);
  const storage = storageConnectionFrom(env);
  if (!storage) {
    throw new Error(
      "AzureWebJobsStorage is not set (neither a connection string nor AzureWebJobsStorage__tableServiceUri or __accountName): the environment records live in its tables",
    );
  }
  const [environments, results, audit] = await Promise.all([
    openTable(storage, RECORD_TABLES.environments),
    openTable(storage, RECORD_TABLES.requestResults),
    openTable(storage, RECORD_TABLES.audit),
  ]);
  let clients: AzureClients | undefined;
  const azureClients = () => (clients ??= createAzureClients(config));
  // One cache per process: what a subscription and a region offer is read once per window.
  const preflightCache = new PreflightCache(config.preflightCacheSec * 1000);
  return {
    config,
    records: createEnvironmentRecords(environments),
    requestResults: createRequestResults(results),
    audit: createAuditLog(audit),
    plan: plannerOf(config),
    maxConcurrentBuilds: maxConcurrentBuilds(env),
    azureClients,
    preflight: (target) => runPreflight(target, { clients: azureClients(), cache: preflightCache }),
  };
}

let shared: Promise<AppContext> | undefined;

/** The process-wide context, created on first use; a failed creation is retried on the next call. */
export function appContext(): Promise<AppContext> {
  shared ??= createAppContext().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
