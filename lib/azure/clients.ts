/**
 * The one place that builds Azure SDK clients. On real Azure every client uses `DefaultAzureCredential`
 * and the public endpoints; in emulator mode (`PROVISIONER_ARM_ENDPOINT` set) every client is pointed at
 * the emulator, trusts its CA and gets its tokens from a managed identity over the App Service protocol
 * (`IDENTITY_ENDPOINT` / `IDENTITY_HEADER`), which the emulator serves: the same credential code as on
 * Azure, and no emulator code in the product.
 *
 * One credential serves every subscription; the SDK clients of a subscription (each with its pipeline)
 * are built the first time that subscription is asked for and kept for the process
 * ({@link AzureClients.forSubscription}). Only subscriptions on the allow-list
 * (`PROVISIONER_SUBSCRIPTION_IDS`) ever get clients.
 */
import { readFileSync } from "node:fs";
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { NetworkManagementClient } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { StorageManagementClient } from "@azure/arm-storage";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { RedisManagementClient } from "@azure/arm-rediscache";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { RedisEnterpriseManagementClient } from "@azure/arm-redisenterprisecache";
import { SecretClient } from "@azure/keyvault-secrets";
import { CertificateClient } from "@azure/keyvault-certificates";
import { DnsManagementClient } from "@azure/arm-dns";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import type { CoreV1Api, KubernetesObjectApi } from "@kubernetes/client-node" with {
  "resolution-mode": "import",
};
import { ConfigError, isSubscriptionAllowed, type ProvisionerConfig } from "../config";
import { armBucketPacingPolicy, subscriptionPacers, type SubscriptionPacers } from "./bucket-pacing";
import { AzureError } from "./errors";
import { KubernetesAgents } from "./kubernetes-agents";
import { parseResourceId } from "./resource-id";

/** ARM's token scope; also what emulator-bound clients must ask for (else they ask for `<endpoint>/.default`). */
export const ARM_SCOPE = "https://management.azure.com/.default";
/**
 * The Azure Managed Redis (`Microsoft.Cache/redisEnterprise`) api-version: the newest stable one. The
 * only published `@azure/arm-redisenterprisecache` (2.2.0) targets 2022-01-01, which knows neither the
 * Managed Redis SKUs nor `publicNetworkAccess`, `highAvailability` or `accessKeysAuthentication`; its
 * client is run at this version instead (see `activities/adapters/managed-redis.ts`).
 */
export const MANAGED_REDIS_API_VERSION = "2026-09-01";
/** The AKS AAD server application: the audience of bearer tokens for AAD-enabled clusters' API servers. */
export const AKS_AAD_SCOPE = "6dae42f8-4368-4678-94ff-3960e28e3630/.default";

/** SDK retry settings for every client (the SDK's own, before a call fails to the activity). */
export interface SdkRetryOptions {
  /** @default 2 - few, because the orchestration's retry profiles take over after that */
  readonly maxRetries?: number;
  /** First back-off, in milliseconds. @default 1000 */
  readonly retryDelayInMs?: number;
  /**
   * Cap on one back-off, in milliseconds, including an honoured `Retry-After`.
   * @default 10000 - an activity should not sit for a minute on a 429; the orchestration waits instead
   */
  readonly maxRetryDelayInMs?: number;
}

/**
 * The subscription {@link createAzureClients} returns clients for when none is named and the allow-list
 * is empty (emulator mode, where every subscription is served); a fixed one keeps local ids stable.
 */
export const EMULATOR_DEFAULT_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";

/** The code of the error {@link AzureClients.forSubscription} raises for a subscription off the allow-list. */
export const SUBSCRIPTION_NOT_ALLOWED_CODE = "SubscriptionNotAllowed";

/** Options of {@link createAzureClients} beyond the configuration. */
export interface AzureClientsOptions {
  /**
   * The subscription of the returned clients (others through {@link AzureClients.forSubscription}).
   * @default - the first subscription of the allow-list, else {@link EMULATOR_DEFAULT_SUBSCRIPTION_ID}
   */
  readonly subscriptionId?: string;
  readonly retry?: SdkRetryOptions;
  /**
   * Interval between polls when an SDK poller runs to completion, in milliseconds.
   * @default - `config.pollIntervalMs`, else the SDK's default
   */
  readonly lroPollIntervalMs?: number;
  /**
   * How long the Key Vault data plane may refuse a new vault's writes (firewall / RBAC propagation)
   * before an activity gives up and lets the orchestration retry, in milliseconds. @default 60000
   */
  readonly keyVaultPropagationBudgetMs?: number;
  /**
   * Replaces the credential (tests).
   * @default - DefaultAzureCredential; in emulator mode the managed identity at `IDENTITY_ENDPOINT`
   */
  readonly credential?: TokenCredential;
}

/** A raw ARM answer, for the operation-status URLs no typed method covers. */
export interface RawArmResponse {
  readonly status: number;
  readonly headers: (name: string) => string | undefined;
  readonly body: unknown;
}

/** One ARM request through the ARM pipeline (auth, TLS, retries), for calls no SDK method covers. */
export interface ArmRequest {
  readonly method: "GET" | "POST";
  /** Path and query on the ARM endpoint, api-version included: `/subscriptions/{id}/providers/…?api-version=…`. */
  readonly path: string;
  /** JSON body of a POST. */
  readonly body?: unknown;
}

/**
 * Every client the activities use, for one subscription: built on first use of that subscription and
 * kept, sharing the one credential with every other subscription's clients.
 */
export interface AzureClients {
  readonly config: ProvisionerConfig;
  /** The subscription these clients address (lower-case). */
  readonly subscriptionId: string;
  readonly credential: TokenCredential;
  /** Subscriptions at tenant scope (`GET /subscriptions/{id}`), shared by every subscription's clients. */
  readonly subscriptions: SubscriptionClient;
  readonly resources: ResourceManagementClient;
  readonly network: NetworkManagementClient;
  readonly privateDns: PrivateDnsManagementClient;
  readonly keyVault: KeyVaultManagementClient;
  readonly authorization: AuthorizationManagementClient;
  readonly containerService: ContainerServiceClient;
  /** Container registries (a modular client). */
  readonly containerRegistry: ContainerRegistryManagementClient;
  /** Storage accounts, blob services and containers (a modular client). */
  readonly storage: StorageManagementClient;
  /** User-assigned managed identities and their federated credentials. */
  readonly msi: ManagedServiceIdentityClient;
  readonly postgres: PostgreSQLManagementFlexibleServerClient;
  readonly redis: RedisManagementClient;
  /** Azure Managed Redis, at {@link MANAGED_REDIS_API_VERSION}. */
  readonly managedRedis: RedisEnterpriseManagementClient;
  /** Public DNS zones and their record sets. */
  readonly dns: DnsManagementClient;
  /** Poll interval given to SDK pollers, in milliseconds, when one runs to completion. */
  readonly lroPollIntervalMs?: number;
  /**
   * This subscription's ARM write and delete buckets as this process sees them: every client of the
   * subscription waits on them before a write, so one host never empties the bucket (`bucket-pacing.ts`).
   */
  readonly pacers: SubscriptionPacers;
  /** See {@link AzureClientsOptions.keyVaultPropagationBudgetMs}. */
  readonly keyVaultPropagationBudgetMs: number;
  /** A Key Vault data-plane client for the vault at `vaultUri` (one per vault, reused). */
  secretClient(vaultUri: string): SecretClient;
  /**
   * The Key Vault data-plane client of the vault with ARM id `vaultId`, its URI read from ARM once
   * (real vaults answer at `https://<name>.vault.azure.net/`, the emulator's on ports of their own).
   */
  secretClientForVault(vaultId: string): Promise<SecretClient>;
  /** A Key Vault certificates client for the vault at `vaultUri` (one per vault, reused). */
  certificateClient(vaultUri: string): CertificateClient;
  /** The certificates client of the vault with ARM id `vaultId`, as {@link secretClientForVault}. */
  certificateClientForVault(vaultId: string): Promise<CertificateClient>;
  /**
   * A Kubernetes core API client for the cluster described by `kubeconfigYaml`, authenticating with
   * `bearerToken` instead of the kubeconfig's user (AAD clusters hand out `exec: kubelogin` users).
   */
  kubernetes(kubeconfigYaml: string, bearerToken: string): Promise<CoreV1Api>;
  /**
   * A generic Kubernetes object client (any apiVersion and kind, resolved through the API server's
   * discovery) for the same cluster and token as {@link kubernetes}.
   */
  kubernetesObjects(kubeconfigYaml: string, bearerToken: string): Promise<KubernetesObjectApi>;
  /**
   * GET of an absolute ARM URL (operation status, Location) through the ARM pipeline: auth, TLS, retries.
   * @throws when the URL is not on the ARM endpoint's origin
   */
  getArm(url: string): Promise<RawArmResponse>;
  /** A request to a path on the ARM endpoint (resource SKUs, usages: reads no SDK here covers). */
  armRequest(request: ArmRequest): Promise<RawArmResponse>;
  /**
   * The clients of `subscriptionId`, built on first use and kept (this bundle's own when it is the
   * same subscription).
   * @throws AzureError of kind `invalidRequest`, code {@link SUBSCRIPTION_NOT_ALLOWED_CODE}, for a
   *   subscription off the allow-list: no token is ever sent to it
   */
  forSubscription(subscriptionId: string): AzureClients;
}

/**
 * Builds every client from configuration.
 * @throws when the emulator CA file cannot be read
 * @throws ConfigError in emulator mode without `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` (and no credential given)
 */
export function createAzureClients(
  config: ProvisionerConfig,
  options: AzureClientsOptions = {},
): AzureClients {
  const credential =
    options.credential ??
    (config.emulatorMode
      ? emulatorManagedIdentity()
      : new DefaultAzureCredential(config.tenantId ? { tenantId: config.tenantId } : {}));
  const ca = config.emulatorMode && config.caCertPath ? readFileSync(config.caCertPath, "utf8") : undefined;
  const retryOptions = {
    maxRetries: options.retry?.maxRetries ?? 2,
    retryDelayInMs: options.retry?.retryDelayInMs ?? 1000,
    maxRetryDelayInMs: options.retry?.maxRetryDelayInMs ?? 10_000,
  };
  const common = { retryOptions, ...(ca ? { tlsOptions: { ca } } : {}) };
  // HLC clients take `credentialScopes`; modular ones `credentials.scopes`. Without them a moved endpoint
  // makes the client ask for `<endpoint>/.default`, which no real or emulated authority issues.
  const hlcCommon = config.armEndpoint
    ? { ...common, endpoint: config.armEndpoint, credentialScopes: [ARM_SCOPE] }
    : common;
  const modularCommon = config.armEndpoint
    ? { ...common, endpoint: config.armEndpoint, credentials: { scopes: [ARM_SCOPE] } }
    : common;
  const armOrigin = new URL(config.armEndpoint ?? "https://management.azure.com").origin;
  // Shared by every subscription: one credential, one tenant-scope client, one data-plane client per vault.
  const subscriptions = new SubscriptionClient(credential, hlcCommon);
  const secretClients = new Map<string, SecretClient>();
  const certificateClients = new Map<string, CertificateClient>();
  const vaultUris = new Map<string, string>();
  const bySubscription = new Map<string, AzureClients>();
  const kubernetesAgents = new KubernetesAgents();

  // The emulator's vaults live on 127.0.0.1 ports, not on *.vault.azure.net hosts.
  const dataPlane = { ...common, disableChallengeResourceVerification: config.emulatorMode };
  const secretClient = (vaultUri: string): SecretClient => {
    let client = secretClients.get(vaultUri);
    if (!client) {
      client = new SecretClient(vaultUri, credential, dataPlane);
      secretClients.set(vaultUri, client);
    }
    return client;
  };
  const certificateClient = (vaultUri: string): CertificateClient => {
    let client = certificateClients.get(vaultUri);
    if (!client) {
      client = new CertificateClient(vaultUri, credential, dataPlane);
      certificateClients.set(vaultUri, client);
    }
    return client;
  };
  /** A kubeconfig for the cluster `kubeconfigYaml` describes, with `bearerToken` as its user. */
  const kubeConfigFor = async (kubeconfigYaml: string, bearerToken: string) => {
    // @kubernetes/client-node 1.x ships only as an ES module; a CommonJS build must import it dynamically.
    const { KubeConfig } = await import("@kubernetes/client-node");
    const source = new KubeConfig();
    source.loadFromString(kubeconfigYaml);
    const cluster = source.getCurrentCluster();
    if (!cluster) throw new Error("the cluster's kubeconfig names no current cluster");
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [cluster],
      users: [{ name: "provisioner", token: bearerToken }],
      contexts: [{ name: "provisioner", cluster: cluster.name, user: "provisioner" }],
      currentContext: "provisioner",
    });
    const authenticate = kubeConfig.applySecurityAuthentication.bind(kubeConfig);
    kubeConfig.applySecurityAuthentication = async (context) => {
      await authenticate(context);
      const agent = kubernetesAgents.reuse(context.getAgent());
      if (agent) context.setAgent(agent);
    };
    return kubeConfig;
  };

  const forSubscription = (subscriptionId: string): AzureClients => {
    const sub = subscriptionId.toLowerCase();
    const known = bySubscription.get(sub);
    if (known) return known;
    if (!isSubscriptionAllowed(config, sub)) {
      throw new AzureError({
        kind: "invalidRequest",
        code: SUBSCRIPTION_NOT_ALLOWED_CODE,
        message: `this provisioner builds only in ${config.subscriptionIds.join(", ")} (PROVISIONER_SUBSCRIPTION_IDS), not in ${subscriptionId}`,
        retryable: false,
        target: `/subscriptions/${subscriptionId}`,
      });
    }
    const clients = subscriptionClients(sub);
    bySubscription.set(sub, clients);
    return clients;
  };

  function subscriptionClients(sub: string): AzureClients {
    const pacers = subscriptionPacers();
    const pacing = {
      additionalPolicies: [{ policy: armBucketPacingPolicy(pacers), position: "perRetry" as const }],
    };
    const hlc = { ...hlcCommon, ...pacing };
    const modular = { ...modularCommon, ...pacing };
    const resources = new ResourceManagementClient(credential, sub, hlc);
    const keyVault = new KeyVaultManagementClient(credential, sub, modular);
    /** The URI of the vault with ARM id `vaultId`, read from ARM once. */
    const vaultUriOf = async (vaultId: string): Promise<string> => {
      let uri = vaultUris.get(vaultId.toLowerCase());
      if (!uri) {
        const { resourceGroup, name } = parseResourceId(vaultId);
        const vault = await keyVault.vaults.get(resourceGroup, name);
        uri = vault.properties?.vaultUri;
        if (!uri) throw new Error(`vault ${vaultId} reports no vaultUri`);
        vaultUris.set(vaultId.toLowerCase(), uri);
      }
      return uri;
    };
    /** Sends `url` through the ARM pipeline, refusing any other origin (URLs come back through history). */
    const sendArm = async (method: ArmRequest["method"], url: string, body?: unknown) => {
      if (new URL(url).origin !== armOrigin)
        throw new Error(`refusing to send an ARM token to ${new URL(url).origin}`);
      const request = createPipelineRequest({ url, method });
      if (body !== undefined) {
        request.body = JSON.stringify(body);
        request.headers.set("content-type", "application/json");
      }
      const response = await resources.sendRequest(request);
      let parsed: unknown = undefined;
      if (response.bodyAsText) {
        try {
          parsed = JSON.parse(response.bodyAsText);
        } catch {
          parsed = response.bodyAsText;
        }
      }
      return {
        status: response.status,
        headers: (name: string) => response.headers.get(name),
        body: parsed,
      } satisfies RawArmResponse;
    };
    return {
      config,
      subscriptionId: sub,
      credential,
      subscriptions,
      resources,
      network: new NetworkManagementClient(credential, sub, hlc),
      privateDns: new PrivateDnsManagementClient(credential, sub, hlc),
      keyVault,
      authorization: new AuthorizationManagementClient(credential, sub, hlc),
      containerService: new ContainerServiceClient(credential, sub, modular),
      containerRegistry: new ContainerRegistryManagementClient(credential, sub, modular),
      storage: new StorageManagementClient(credential, sub, modular),
      msi: new ManagedServiceIdentityClient(credential, sub, hlc),
      postgres: new PostgreSQLManagementFlexibleServerClient(credential, sub, hlc),
      redis: new RedisManagementClient(credential, sub, hlc),
      managedRedis: new RedisEnterpriseManagementClient(credential, sub, {
        ...hlc,
        apiVersion: MANAGED_REDIS_API_VERSION,
      }),
      dns: new DnsManagementClient(credential, sub, hlc),
      lroPollIntervalMs: options.lroPollIntervalMs ?? config.pollIntervalMs,
      pacers,
      keyVaultPropagationBudgetMs: options.keyVaultPropagationBudgetMs ?? 60_000,
      secretClient,
      async secretClientForVault(vaultId) {
        return secretClient(await vaultUriOf(vaultId));
      },
      certificateClient,
      async certificateClientForVault(vaultId) {
        return certificateClient(await vaultUriOf(vaultId));
      },
      async kubernetes(kubeconfigYaml, bearerToken) {
        const { CoreV1Api } = await import("@kubernetes/client-node");
        return (await kubeConfigFor(kubeconfigYaml, bearerToken)).makeApiClient(CoreV1Api);
      },
      async kubernetesObjects(kubeconfigYaml, bearerToken) {
        const { KubernetesObjectApi } = await import("@kubernetes/client-node");
        return KubernetesObjectApi.makeApiClient(await kubeConfigFor(kubeconfigYaml, bearerToken));
      },
      getArm: (url) => sendArm("GET", url),
      armRequest: ({ method, path, body }) => sendArm(method, `${armOrigin}${path}`, body),
      forSubscription,
    };
  }

  return forSubscription(
    options.subscriptionId ?? config.subscriptionIds[0] ?? EMULATOR_DEFAULT_SUBSCRIPTION_ID,
  );
}

/** The subscription segment of an ARM id (`/subscriptions/{id}/…`), lower-case; `undefined` when it has none. */
export function subscriptionOfId(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase();
}

/**
 * The credential of emulator mode: a system-assigned managed identity, found by MSAL through
 * `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` as on App Service. Refused when they are missing, because
 * MSAL would then fall back to the VM metadata endpoint (169.254.169.254), which is never the emulator.
 */
function emulatorManagedIdentity(env: NodeJS.ProcessEnv = process.env): TokenCredential {
  // Named as literals, so the deployment tests see every setting the code reads.
  const present = { IDENTITY_ENDPOINT: env.IDENTITY_ENDPOINT, IDENTITY_HEADER: env.IDENTITY_HEADER };
  const missing = Object.entries(present)
    .filter(([, value]) => !value?.trim())
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new ConfigError([
      `${missing.join(" and ")} must be set with PROVISIONER_ARM_ENDPOINT: the provisioner gets its tokens from the emulator's managed-identity endpoint (npm start sets them; npm run emulator prints them)`,
    ]);
  }
  return new ManagedIdentityCredential();
}
