/**
 * Everything preflight asks Azure, through the subscription's own SDK clients where an SDK covers the call
 * and through the generic ARM pipeline (`armRequest`) where none here does (resource SKUs and compute
 * usages: `@azure/arm-compute`'s current majors need Node 22, and a whole Compute SDK for two GETs is not
 * worth its weight in the deployable zip; the subscription-scope permissions list, which no SDK method
 * covers). Each read is counted unless the cache answered it; failures come back classified
 * (`lib/azure/errors.ts`).
 */
import type { Capability as PostgresCapability } from "@azure/arm-postgresql-flexible";
import type { Subscription } from "@azure/arm-resources-subscriptions";
import type { KubernetesVersion } from "@azure/arm-containerservice";
import { ARM_SCOPE, type AzureClients } from "../azure/clients";
import {
  AzureError,
  classifyAzureError,
  classifyFacts,
  isNotFoundError,
  azureErrorBody,
} from "../azure/errors";
import { tenantOfAccessToken } from "../azure/token-claims";
import type { PreflightCache } from "./cache";
import type { PermissionEntry } from "./rbac";

/** api-versions of the calls no SDK method here covers (Compute `ResourceSkus_List`, `Usage_List`; Authorization permissions). */
const API_VERSIONS = { computeSkus: "2021-07-01", computeUsages: "2024-07-01", permissions: "2022-04-01" };

/** A VM size as the resource SKUs API describes it (the fields preflight reads). */
export interface VmSku {
  readonly name: string;
  readonly family?: string;
  readonly locationInfo?: readonly { readonly location?: string; readonly zones?: readonly string[] }[];
  readonly capabilities?: readonly { readonly name: string; readonly value: string }[];
  readonly restrictions?: readonly {
    readonly type?: string;
    readonly reasonCode?: string;
    readonly restrictionInfo?: { readonly locations?: readonly string[]; readonly zones?: readonly string[] };
  }[];
}

/** One usage (quota) of a region: compute and network share the shape. */
export interface Usage {
  readonly name: string;
  readonly currentValue: number;
  readonly limit: number;
}

/** A provider's registration and where each of its resource types is offered. */
interface ProviderOffer {
  readonly registrationState: string;
  readonly resourceTypes: readonly { readonly resourceType: string; readonly locations: readonly string[] }[];
}

/** A name-availability answer, the services' shapes made one (Redis answers an error when taken). */
export interface NameAvailability {
  readonly available: boolean;
  readonly code?: string;
  readonly message?: string;
}

/** The reads (and the one write) preflight makes in one subscription. */
export interface PreflightReads {
  /** Requests sent so far (cache hits excluded). */
  readonly requests: { reads: number; writes: number };
  /** The tenant (`tid`) of the ARM token the credential hands out; a token request, not an ARM read. */
  credentialTenant(): Promise<string | undefined>;
  subscription(): Promise<Subscription>;
  /** True when the resource group exists. */
  resourceGroupExists(name: string): Promise<boolean>;
  providerState(namespace: string): Promise<string>;
  /**
   * The regions (lower-case, no spaces: `eastus2`) where the subscription may create `resourceType` of
   * `namespace` (`Providers_Get`'s `resourceTypes[].locations`; the same read as {@link providerState});
   * `undefined` when the provider does not list the type.
   */
  resourceTypeLocations(namespace: string, resourceType: string): Promise<readonly string[] | undefined>;
  registerProvider(namespace: string): Promise<string>;
  /** The caller's permissions at the resource group (when it exists) or the subscription; `undefined` when the scope cannot be listed. */
  permissions(resourceGroup: string | undefined): Promise<PermissionEntry[] | undefined>;
  vaultName(name: string): Promise<NameAvailability>;
  /** The soft-deleted vault of this subscription with that name, if any. */
  deletedVault(name: string, location: string): Promise<{ scheduledPurgeDate?: Date } | undefined>;
  postgresName(name: string, location: string): Promise<NameAvailability>;
  redisName(name: string): Promise<NameAvailability>;
  registryName(name: string): Promise<NameAvailability>;
  storageAccountName(name: string): Promise<NameAvailability>;
  kubernetesVersions(location: string): Promise<readonly KubernetesVersion[]>;
  vmSku(location: string, name: string): Promise<VmSku | undefined>;
  computeUsages(location: string): Promise<readonly Usage[]>;
  networkUsages(location: string): Promise<readonly Usage[]>;
  postgresCapability(location: string): Promise<PostgresCapability | undefined>;
}

/** The reads over `clients` (one subscription's), caching through `cache`. */
export function createPreflightReads(clients: AzureClients, cache: PreflightCache): PreflightReads {
  const sub = clients.subscriptionId;
  const requests = { reads: 0, writes: 0 };
  /** A read, counted. */
  const read = async <T>(call: () => Promise<T>): Promise<T> => {
    requests.reads += 1;
    try {
      return await call();
    } catch (error) {
      throw classifyAzureError(error, `/subscriptions/${sub}`);
    }
  };
  /** A read kept in the cache under `key` (this subscription's), counted only when sent. */
  const cached = async <T>(key: string, call: () => Promise<T>, keep?: (value: T) => boolean): Promise<T> =>
    (await cache.get(`${sub}|${key}`, () => read(call), keep)).value;
  /** Every page of a generic ARM GET (`value` arrays, `nextLink`). */
  const armPages = async <T>(path: string): Promise<T[]> => {
    const items: T[] = [];
    let url: string | undefined = path;
    for (let page = 0; url !== undefined && page < 50; page++) {
      const response = url.startsWith("/")
        ? await clients.armRequest({ method: "GET", path: url })
        : await clients.getArm(url);
      if (response.status >= 300) throw armFailure(response.status, response.body, response.headers);
      const body = response.body as { value?: T[]; nextLink?: string | null } | undefined;
      items.push(...(body?.value ?? []));
      url = body?.nextLink ?? undefined;
    }
    return items;
  };
  const all = async <T>(pages: AsyncIterable<T>): Promise<T[]> => {
    const items: T[] = [];
    for await (const item of pages) items.push(item);
    return items;
  };
  const location = (value: string) => value.replace(/\s+/g, "").toLowerCase();
  /** A provider's registration and the regions of its resource types: one read, kept once registered. */
  const provider = (namespace: string) =>
    cached(
      `provider|${namespace.toLowerCase()}`,
      async (): Promise<ProviderOffer> => {
        const answer = await clients.resources.providers.get(namespace);
        return {
          registrationState: answer.registrationState ?? "NotRegistered",
          resourceTypes: (answer.resourceTypes ?? []).map((t) => ({
            resourceType: t.resourceType ?? "",
            locations: (t.locations ?? []).map(location),
          })),
        };
      },
      (offer) => offer.registrationState === "Registered",
    );

  return {
    requests,
    async credentialTenant() {
      const token = await clients.credential.getToken(ARM_SCOPE);
      return token ? tenantOfAccessToken(token.token) : undefined;
    },
    // Kept only while Enabled: a disabled subscription is read again next time.
    subscription: () =>
      cached(
        "subscription",
        () => clients.subscriptions.subscriptions.get(sub),
        (s) => s.state === "Enabled",
      ),
    async resourceGroupExists(name) {
      try {
        await read(() => clients.resources.resourceGroups.get(name));
        return true;
      } catch (error) {
        if (isNotFoundError(error)) return false;
        throw error;
      }
    },
    providerState: async (namespace) => (await provider(namespace)).registrationState,
    async resourceTypeLocations(namespace, resourceType) {
      const entry = (await provider(namespace)).resourceTypes.find(
        (t) => t.resourceType.toLowerCase() === resourceType.toLowerCase(),
      );
      return entry?.locations;
    },
    async registerProvider(namespace) {
      requests.writes += 1;
      cache.forget(`${sub}|provider|${namespace.toLowerCase()}`);
      try {
        return (await clients.resources.providers.register(namespace)).registrationState ?? "Registering";
      } catch (error) {
        throw classifyAzureError(error, `/subscriptions/${sub}/providers/${namespace}`);
      }
    },
    permissions: (resourceGroup) =>
      cached(`permissions|${resourceGroup?.toLowerCase() ?? ""}`, async () => {
        if (resourceGroup !== undefined)
          return all(clients.authorization.permissions.listForResourceGroup(resourceGroup));
        // No SDK method lists the subscription scope, and it is not in the REST specification (docs/azure-facts.md#preflight):
        // where Azure does not serve it, preflight cannot check and says so.
        try {
          return await armPages<PermissionEntry>(
            `/subscriptions/${sub}/providers/Microsoft.Authorization/permissions?api-version=${API_VERSIONS.permissions}`,
          );
        } catch (error) {
          if (error instanceof AzureError && (error.statusCode === 400 || error.statusCode === 404))
            return undefined;
          throw error;
        }
      }),
    vaultName: (name) =>
      read(async () => {
        const result = await clients.keyVault.vaults.checkNameAvailability({
          name,
          type: "Microsoft.KeyVault/vaults",
        });
        return { available: result.nameAvailable === true, code: result.reason, message: result.message };
      }),
    async deletedVault(name, region) {
      try {
        const deleted = await read(() => clients.keyVault.vaults.getDeleted(name, location(region)));
        return { scheduledPurgeDate: deleted.properties?.scheduledPurgeDate };
      } catch (error) {
        if (isNotFoundError(error)) return undefined;
        throw error;
      }
    },
    postgresName: (name, region) =>
      read(async () => {
        const result = await clients.postgres.nameAvailability.checkWithLocation(location(region), {
          name,
          type: "Microsoft.DBforPostgreSQL/flexibleServers",
        });
        return { available: result.nameAvailable === true, code: result.reason, message: result.message };
      }),
    async redisName(name) {
      // 200 when available; otherwise an error answer, which is the refusal (its code and message).
      try {
        await read(() => clients.redis.redis.checkNameAvailability({ name, type: "Microsoft.Cache/redis" }));
        return { available: true };
      } catch (error) {
        if (error instanceof AzureError && !error.retryable && error.kind !== "authorization")
          return { available: false, code: error.code, message: error.azureMessage };
        throw error;
      }
    },
    registryName: (name) =>
      read(async () => {
        const result = await clients.containerRegistry.registries.checkNameAvailability({
          name,
          type: "Microsoft.ContainerRegistry/registries",
        });
        return { available: result.nameAvailable === true, code: result.reason, message: result.message };
      }),
    storageAccountName: (name) =>
      read(async () => {
        const result = await clients.storage.storageAccounts.checkNameAvailability({
          name,
          type: "Microsoft.Storage/storageAccounts",
        });
        return { available: result.nameAvailable === true, code: result.reason, message: result.message };
      }),
    kubernetesVersions: (region) =>
      cached(`aks-versions|${location(region)}`, async () => {
        const list = await clients.containerService.managedClusters.listKubernetesVersions(location(region));
        return list.values ?? [];
      }),
    async vmSku(region, name) {
      const skus = await cached(`vm-skus|${location(region)}`, async () =>
        (
          await armPages<VmSku & { resourceType?: string }>(
            `/subscriptions/${sub}/providers/Microsoft.Compute/skus?api-version=${API_VERSIONS.computeSkus}&$filter=${encodeURIComponent(`location eq '${location(region)}'`)}`,
          )
        ).filter((sku) => sku.resourceType === "virtualMachines"),
      );
      // VM size names are case-sensitive for AKS (docs/azure-facts.md, "Coming from Opta").
      return skus.find((sku) => sku.name === name);
    },
    computeUsages: (region) =>
      read(async () =>
        (
          await armPages<{ name?: { value?: string }; currentValue?: number; limit?: number }>(
            `/subscriptions/${sub}/providers/Microsoft.Compute/locations/${location(region)}/usages?api-version=${API_VERSIONS.computeUsages}`,
          )
        ).map(toUsage),
      ),
    networkUsages: (region) =>
      read(async () => (await all(clients.network.usages.list(location(region)))).map(toUsage)),
    postgresCapability: (region) =>
      cached(`postgres-capabilities|${location(region)}`, async () => {
        const capabilities = await all(clients.postgres.capabilitiesByLocation.list(location(region)));
        return capabilities.find((c) => c.name === "FlexibleServerCapabilities") ?? capabilities[0];
      }),
  };
}

function toUsage(entry: { name?: { value?: string }; currentValue?: number; limit?: number }): Usage {
  return {
    name: entry.name?.value ?? "",
    currentValue: Number(entry.currentValue ?? 0),
    limit: Number(entry.limit ?? 0),
  };
}

/** The classified error of a generic ARM answer that was not a success. */
function armFailure(
  status: number,
  body: unknown,
  headers: (name: string) => string | undefined,
): AzureError {
  const { code, message } = azureErrorBody(body);
  const retryAfter = Number(headers("retry-after"));
  return classifyFacts({
    statusCode: status,
    ...(code ? { code } : {}),
    ...(message ? { message } : {}),
    ...(Number.isFinite(retryAfter) && headers("retry-after") ? { retryAfterMs: retryAfter * 1000 } : {}),
  });
}
