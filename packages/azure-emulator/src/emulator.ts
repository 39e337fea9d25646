/**
 * Starts the local Azure emulator in-process: the ARM origin (resource providers, admin API, Kubernetes
 * API per cluster under `/__k8s/`), one origin per Key Vault, all HTTPS on 127.0.0.1 with the
 * emulator's CA.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArmError } from "./errors.js";
import { ADMIN_PREFIX, handleAdmin, type EmulatorAdmin } from "./admin.js";
import { createArmFrontDoor } from "./arm-front-door.js";
import { ArmProvider, resourceTypeOfPath } from "./arm-provider.js";
import { DEFAULT_EMULATOR_TENANT_ID } from "./credential.js";
import { tenantsOf, type EntraOptions } from "./entra/directory.js";
import { createEntraEndpoints } from "./entra/endpoints.js";
import { ensureSigningKey } from "./entra/signing-key.js";
import { createDataPlaneContext } from "./dataplane-context.js";
import { type DataPlaneContext, type KeyVaultDataPlane, type KubernetesApi } from "./dataplane.js";
import { FaultInjector } from "./faults.js";
import { sendJson } from "./http-util.js";
import { createKubernetesApi, redactKubernetesState, type KubernetesApiState } from "./kubernetes/index.js";
import {
  createKeyVaultDataPlane,
  redactKeyVaultState,
  type KeyVaultDataPlaneState,
} from "./keyvault/index.js";
import { listenHttps } from "./listener.js";
import { startManagedIdentityEndpoint, type ManagedIdentityOptions } from "./managed-identity.js";
import { OPERATION_PATH } from "./lro-answers.js";
import { RequestMetrics } from "./metrics.js";
import { OperationTracker } from "./operations.js";
import { instrument, type RequestClass, type RequestFacts } from "./pipeline.js";
import { createTypeRegistry } from "./registry.js";
import { parseArmPath } from "./resource-path.js";
import type { ProviderEnv } from "./resource-type.js";
import { readStateFile, writeStateFile, type EmulatorState } from "./state-file.js";
import { ResourceStore } from "./store.js";
import { Throttle } from "./throttle.js";
import { createSubscriptionApi } from "./subscriptions/index.js";
import { ensureTlsMaterial } from "./tls.js";
import { clusterInfoOf, MANAGED_CLUSTER_TYPE } from "./types/aks.js";
import { VAULT_TYPE } from "./types/keyvault.js";
import { stableHash } from "./types/shared.js";
import { VaultOrigins } from "./vault-origins.js";

/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions {
  /** Port of the ARM origin. @default 0 - a free port */
  readonly port?: number;
  /** Where the CA and server certificate are kept (made on first start). @default `<os tmpdir>/azure-env-provisioner-emulator` */
  readonly dataDir?: string;
  /** Multiplier of real-Azure durations (operation times, throttling refill, lags). @default 1 */
  readonly timeScale?: number;
  /** Fault rules active from the start (see `faults.ts`). @default none */
  readonly faults?: readonly unknown[];
  /** JSON file the state is loaded from at start (if present) and saved to on stop. @default none - state is in memory only */
  readonly stateFile?: string;
  /** ARM request throttling. @default true */
  readonly throttling?: boolean;
  /** Azure RBAC propagation before a role assignment counts for the data planes, in seconds (scaled). @default 30 */
  readonly rolePropagationSec?: number;
  /** Random source of probabilistic faults. @default Math.random */
  readonly random?: () => number;
  /** Key Vault data plane factory. @default the emulator's (src/keyvault) */
  readonly keyVaultDataPlane?: (ctx: DataPlaneContext) => KeyVaultDataPlane;
  /** Kubernetes API factory. @default the emulator's (src/kubernetes) */
  readonly kubernetesApi?: (ctx: DataPlaneContext) => KubernetesApi;
  /**
   * The managed identity the App Service token endpoint ({@link RunningEmulator.identityEndpoint}) hands
   * out tokens for. @default - DEFAULT_EMULATOR_PRINCIPAL_ID in DEFAULT_EMULATOR_TENANT_ID, a random header
   */
  readonly managedIdentity?: ManagedIdentityOptions;
  /**
   * The emulated Microsoft Entra ID served on the ARM origin (`src/entra`): its tenants, the APIs
   * registered in them, and the clients and users that get signed tokens for them.
   * @default - one tenant, DEFAULT_EMULATOR_TENANT_ID, with nothing registered
   */
  readonly entra?: EntraOptions;
}

/** The emulated Microsoft Entra ID of a running emulator. */
export interface RunningEntra {
  /**
   * The authority host, `https://127.0.0.1:<port>` (the ARM origin): `@azure/identity`'s `authorityHost`,
   * and what an API validating the tokens names as its authority.
   */
  readonly authority: string;
  /** The issuer of a tenant's tokens, `<authority>/<tenant>/v2.0` (its discovery document's `issuer`). */
  issuer(tenantId: string): string;
  /** The `kid` of every token it signs. */
  readonly keyId: string;
  /** PEM file of the signing key, kept in the data directory (tests sign tokens a validator must refuse). */
  readonly signingKeyPath: string;
}

/** A running emulator. */
export interface RunningEmulator {
  /** ARM origin, `https://127.0.0.1:<port>`: the SDK clients' `endpoint`. */
  readonly armEndpoint: string;
  /** The CA that signed every listener's certificate: the clients' `tlsOptions.ca`. */
  readonly caCertPem: string;
  /** File of {@link caCertPem} (for `NODE_EXTRA_CA_CERTS`). */
  readonly caCertPath: string;
  /** Admin API base URL, `<armEndpoint>/__emulator`. */
  readonly adminUrl: string;
  /** In-process admin handle (counters, faults, reset, time scale, state). */
  readonly admin: EmulatorAdmin;
  /**
   * The App Service managed-identity endpoint (plain HTTP on loopback): give an app
   * `IDENTITY_ENDPOINT=<identityEndpoint>` and `IDENTITY_HEADER=<identityHeader>` and its
   * `ManagedIdentityCredential` gets tokens for {@link identityPrincipalId}.
   */
  readonly identityEndpoint: string;
  /** The secret the endpoint requires in `X-IDENTITY-HEADER` (`IDENTITY_HEADER`). */
  readonly identityHeader: string;
  /** Object id of the managed identity: the `oid` of the tokens the endpoint mints. */
  readonly identityPrincipalId: string;
  /** Microsoft Entra ID: discovery, keys and token endpoints of the configured tenants. */
  readonly entra: RunningEntra;
  /** The Kubernetes API URL of a cluster (kubeconfig `server`). */
  kubernetesServerUrl(clusterId: string): string;
  /** Saves the state file (if configured) and closes every listener. */
  stop(): Promise<void>;
}

/** Prefix of the per-cluster Kubernetes API on the ARM origin. */
export const KUBERNETES_PREFIX = "/__k8s/";
/** How long a new role assignment takes to reach the data planes, in Azure seconds. */
export const DEFAULT_ROLE_PROPAGATION_SEC = 30;
/** Delay between a write and the state-file save it triggers. */
const STATE_SAVE_DELAY_MS = 500;

function checkTimeScale(value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`timeScale must be a positive number, got ${value}`);
  return value;
}

/** Starts the emulator. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = options.dataDir ?? join(tmpdir(), "azure-env-provisioner-emulator");
  const tls = ensureTlsMaterial(dataDir);
  let timeScale = checkTimeScale(options.timeScale ?? 1);
  const now = (): number => Date.now();
  const registry = createTypeRegistry();
  const store = new ResourceStore();
  const operations = new OperationTracker();
  const faults = new FaultInjector(options.random);
  faults.add(options.faults ?? []);
  const metrics = new RequestMetrics();
  const throttle = new Throttle(() => timeScale, now);
  const throttling = options.throttling ?? true;
  const ctx = createDataPlaneContext({
    store,
    faults,
    now,
    timeScale: () => timeScale,
    rolePropagationSec: options.rolePropagationSec ?? DEFAULT_ROLE_PROPAGATION_SEC,
  });
  const keyVault = (options.keyVaultDataPlane ?? createKeyVaultDataPlane)(ctx);
  const kubernetes = (options.kubernetesApi ?? createKubernetesApi)(ctx);
  const pipeline = { metrics, faults, now, timeScale: () => timeScale };
  const signingKey = ensureSigningKey(dataDir);
  // Issuers and endpoint URLs name the ARM origin, which exists once the listener is bound.
  const armListenerOrigin = { value: "" };
  const entra = createEntraEndpoints({
    tenants: tenantsOf(options.entra?.tenants ?? [{ tenantId: DEFAULT_EMULATOR_TENANT_ID }]),
    key: signingKey,
    origin: () => armListenerOrigin.value,
    now,
    tokenLifetimeSec: options.entra?.tokenLifetimeSec ?? 3600,
  });

  // The provider needs the ARM origin, which exists once the listener is bound: wire it lazily.
  const wiring: { provider?: ArmProvider } = {};
  const armProvider = (): ArmProvider => {
    const provider = wiring.provider;
    if (!provider) throw new ArmError(503, "ServiceUnavailable", "The emulator is starting.");
    return provider;
  };

  const clusterIdOfKey = (key: string): string | undefined =>
    store.ofType(MANAGED_CLUSTER_TYPE).find((c) => stableHash(c.id, 16) === key.toLowerCase())?.id;

  const classify = (facts: RequestFacts): RequestClass => {
    if (facts.path.startsWith(ADMIN_PREFIX))
      return { category: "admin", resourceType: "admin", exempt: true };
    if (entra.handles(facts.path)) return { category: "identity", resourceType: "entra" };
    if (facts.path.startsWith(KUBERNETES_PREFIX))
      return { category: "kubernetes", resourceType: "kubernetes" };
    const resourceType = resourceTypeOfPath(facts.path, registry, facts.method) ?? "unknown";
    if (facts.method !== "GET") return { category: "writes", resourceType };
    const target = parseArmPath(facts.path, registry);
    const polling =
      OPERATION_PATH.test(facts.path) ||
      (target?.kind === "resource" && operations.runningOn(target.id) !== undefined);
    return { category: polling ? "polls" : "reads", resourceType };
  };

  const serveKubernetes = async (
    req: IncomingMessage,
    res: ServerResponse,
    facts: RequestFacts,
  ): Promise<void> => {
    const rest = facts.path.slice(KUBERNETES_PREFIX.length);
    const slash = rest.indexOf("/");
    const key = slash < 0 ? rest : rest.slice(0, slash);
    const clusterId = clusterIdOfKey(key);
    if (!clusterId) {
      sendJson(res, 404, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "NotFound",
        message: "No such cluster.",
        code: 404,
      });
      return;
    }
    await kubernetes.handle(clusterId)(req, res, slash < 0 ? "/" : rest.slice(slash), facts.url, facts.body);
  };

  // Every subscription belongs to the identity's tenant until a setting moves it.
  const subscriptions = createSubscriptionApi({
    store,
    registry,
    defaultTenantId: options.managedIdentity?.tenantId ?? DEFAULT_EMULATOR_TENANT_ID,
    now,
    timeScale: () => timeScale,
  });
  const serveArm = createArmFrontDoor({
    throttle: throttling ? throttle : undefined,
    provider: armProvider,
    now,
    subscriptions,
  });

  // A replacement Kubernetes API (options.kubernetesApi) has its own snapshot shape: dump only ours.
  const redactedKubernetes = (): unknown => {
    const snapshot = kubernetes.snapshot() as Partial<KubernetesApiState>;
    return Array.isArray(snapshot.clusters) ? redactKubernetesState(snapshot as KubernetesApiState) : null;
  };

  const admin: EmulatorAdmin = {
    counters: () => metrics.snapshot(),
    requestLog: (limit) => metrics.log(limit),
    addFaults: (rules) => faults.add(rules),
    listFaults: () => faults.list(),
    clearFaults: () => faults.clear(),
    configureSubscriptions: (settings) => subscriptions.settings.configure(settings),
    subscriptionSettings: () => subscriptions.settings.snapshot(),
    clearSubscriptionSettings: () => subscriptions.settings.reset(),
    async reset() {
      await vaults.closeAll();
      store.clear();
      operations.clear();
      metrics.reset();
      throttle.reset();
      faults.clear();
      subscriptions.settings.reset();
      keyVault.reset();
      kubernetes.reset();
    },
    timeScale: () => timeScale,
    setTimeScale: (value) => {
      timeScale = checkTimeScale(value);
    },
    state: () => ({
      timeScale,
      // The dump names every resource, whatever its ARM answer carries (a zone group answers no `type`).
      resources: store
        .all()
        .map((r) => ({ id: r.id, type: r.type, name: r.name, ...armProvider().render(r) })),
      deletedVaults: store.deletedVaults().map(({ resource: _resource, ...vault }) => vault),
      runningOperations: operations
        .running()
        .map((op) => ({ ...op, endsAtMs: Number.isFinite(op.endsAtMs) ? op.endsAtMs : null })),
      keyVault: redactKeyVaultState(keyVault.snapshot() as KeyVaultDataPlaneState),
      kubernetes: redactedKubernetes(),
    }),
    async saveState() {
      if (!options.stateFile) return undefined;
      await armProvider().settle();
      writeStateFile(options.stateFile, {
        store: store.snapshot(),
        keyVault: keyVault.snapshot(),
        kubernetes: kubernetes.snapshot(),
        vaultPorts: vaults.ports(),
        operations: operations.snapshot(),
      });
      return options.stateFile;
    },
  };

  // With a state file, writes are saved shortly after they happen (debounced), so even a killed
  // emulator loses at most the last moment of changes; stop() saves once more.
  let saveTimer: NodeJS.Timeout | undefined;
  const scheduleSave = (): void => {
    if (!options.stateFile || saveTimer) return;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      admin.saveState().catch((error: unknown) => {
        console.error(
          "emulator: saving the state file failed:",
          error instanceof Error ? error.message : error,
        );
      });
    }, STATE_SAVE_DELAY_MS);
    saveTimer.unref();
  };

  const armListener = await listenHttps(
    tls,
    options.port ?? 0,
    instrument(pipeline, classify, async (req, res, facts) => {
      if (facts.path.startsWith(ADMIN_PREFIX)) {
        const answer = await handleAdmin(
          admin,
          facts.method,
          facts.path.slice(ADMIN_PREFIX.length),
          facts.url,
          facts.body,
        );
        sendJson(res, answer.status, answer.body, answer.headers);
      } else if (entra.handles(facts.path)) {
        entra.serve(req, res, facts);
      } else if (facts.path.startsWith(KUBERNETES_PREFIX)) {
        await armProvider().settle();
        await serveKubernetes(req, res, facts);
      } else {
        await serveArm(req, res, facts);
        if (facts.method !== "GET") scheduleSave();
      }
    }),
  );
  const armEndpoint = armListener.origin;
  armListenerOrigin.value = armEndpoint;
  const identity = await startManagedIdentityEndpoint(options.managedIdentity).catch(async (error) => {
    await armListener.close();
    throw error;
  });
  const kubernetesServerUrl = (clusterId: string): string =>
    `${armEndpoint}${KUBERNETES_PREFIX}${stableHash(clusterId, 16)}`;
  const vaults = new VaultOrigins(
    tls,
    () => keyVault,
    pipeline,
    () => armProvider().settle(),
  );

  const env: ProviderEnv = {
    store,
    now,
    timeScale: () => timeScale,
    armOrigin: armEndpoint,
    caCertPem: tls.caCertPem,
    kubernetes,
    kubernetesServerUrl,
    openVault: (vault) => vaults.open(vault),
    closeVault: (vault) => vaults.close(vault.id),
    purgeVault: (vaultId) => keyVault.purge(vaultId),
    tenantOf: (subscriptionId) => subscriptions.settings.tenantOf(subscriptionId),
    putResource(type, id, name, parentId, body) {
      const existing = store.get(id);
      const resource = {
        id,
        type,
        name,
        parentId,
        body,
        readOnly: existing?.readOnly ?? {},
        secrets: existing?.secrets ?? {},
        etag: `W/"${stableHash(`${id}${now()}`, 16)}"`,
        provisioningState: "Succeeded",
        createdAtMs: existing?.createdAtMs ?? now(),
      };
      store.put(resource);
      return resource;
    },
    removeResource: (id) => armProvider().removeTree(id),
  };
  wiring.provider = new ArmProvider({ registry, env, operations, faults });

  const saved = options.stateFile ? readStateFile(options.stateFile) : undefined;
  if (saved) await restoreState(saved);

  async function restoreState(state: EmulatorState): Promise<void> {
    store.restore(state.store);
    keyVault.restore(state.keyVault);
    kubernetes.restore(state.kubernetes);
    vaults.rememberPorts(state.vaultPorts);
    operations.restore(state.operations);
    for (const resource of store.ofType(VAULT_TYPE)) {
      const vaultUri = await vaults.open(resource);
      const properties = {
        ...(resource.readOnly.properties as Record<string, unknown> | undefined),
        vaultUri,
      };
      resource.readOnly = { ...resource.readOnly, properties };
    }
    for (const cluster of store.ofType(MANAGED_CLUSTER_TYPE)) kubernetes.open(clusterInfoOf(cluster));
  }

  return {
    armEndpoint,
    caCertPem: tls.caCertPem,
    caCertPath: tls.caCertPath,
    adminUrl: `${armEndpoint}${ADMIN_PREFIX}`,
    admin,
    identityEndpoint: identity.endpoint,
    identityHeader: identity.header,
    identityPrincipalId: identity.principalId,
    entra: {
      authority: armEndpoint,
      issuer: (tenantId) => `${armEndpoint}/${tenantId}/v2.0`,
      keyId: signingKey.keyId,
      signingKeyPath: signingKey.privateKeyPath,
    },
    kubernetesServerUrl,
    async stop() {
      clearTimeout(saveTimer);
      await admin.saveState();
      await vaults.closeAll();
      await identity.close();
      await armListener.close();
    },
  };
}
