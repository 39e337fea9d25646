/**
 * The subscription-level ARM APIs a client reads before it writes, with the shapes of Azure's REST
 * specifications (azure-rest-api-specs, the api-versions named per route):
 *
 * | route | spec |
 * |---|---|
 * | `GET /subscriptions/{s}` | resources `Subscriptions_Get` (2022-12-01) |
 * | `GET /subscriptions/{s}/providers[/{ns}]`, `POST …/{ns}/register` | resources `Providers_List`/`_Get`/`_Register` (2025-04-01) |
 * | `GET …[/resourceGroups/{rg}]/providers/Microsoft.Authorization/permissions` | authorization `Permissions_ListForResourceGroup` (2022-04-01); the subscription scope is served alike |
 * | `POST …/Microsoft.KeyVault/checkNameAvailability` | keyvault `Vaults_CheckNameAvailability` |
 * | `POST …/Microsoft.DBforPostgreSQL[/locations/{l}]/checkNameAvailability` | postgresql `NameAvailability_CheckGlobally`/`_CheckWithLocation` |
 * | `POST …/Microsoft.ContainerRegistry/checkNameAvailability` | containerregistry `Registries_CheckNameAvailability` |
 * | `POST …/Microsoft.Storage/checkNameAvailability` | storage `StorageAccounts_CheckNameAvailability` |
 * | `POST …/Microsoft.Cache/CheckNameAvailability` | redis `Redis_CheckNameAvailability` (200 when available) |
 * | `GET …/Microsoft.ContainerService/locations/{l}/kubernetesVersions` | containerservice `ManagedClusters_ListKubernetesVersions` |
 * | `GET …/Microsoft.ContainerService/locations/{l}/orchestrators` | containerservice `ContainerServices_ListOrchestrators` (2019-08-01) |
 * | `GET …/Microsoft.Compute/skus` | compute `ResourceSkus_List` (2021-07-01, `$filter=location eq '…'`) |
 * | `GET …/Microsoft.Compute/locations/{l}/usages` | compute `Usage_List` |
 * | `GET …/Microsoft.Network/locations/{l}/usages` | network `Usages_List` |
 * | `GET …/Microsoft.DBforPostgreSQL/locations/{l}/capabilities` | postgresql `CapabilitiesByLocation_List` |
 *
 * What is offered and the default quotas come from the emulator's own tables
 * (`azure-facts/regional-offers.ts`), narrowed by the admin settings (`settings.ts`); usage is counted from
 * the emulator's resources.
 */
import {
  AKS_VERSIONS,
  DEFAULT_QUOTAS,
  POSTGRES_EDITIONS,
  POSTGRES_STORAGE_GIB,
  POSTGRES_VERSIONS,
  REGION_ZONES,
  VM_SIZES,
  isKnownRegion,
  normalizeRegion,
} from "../azure-facts/regional-offers.js";
import { isRecord } from "../body-path.js";
import { badRequest, conflict, notFound } from "../errors.js";
import type { ArmRequest, ArmResponse } from "../http-types.js";
import type { TypeRegistry } from "../registry.js";
import type { ResourceStore, StoredResource } from "../store.js";
import type { SubscriptionSettings } from "./settings.js";

/** What the routes read. */
export interface SubscriptionRouteDeps {
  readonly settings: SubscriptionSettings;
  readonly store: ResourceStore;
  readonly registry: TypeRegistry;
}

type Handler = (match: RegExpExecArray, req: ArmRequest, deps: SubscriptionRouteDeps) => ArmResponse;

interface Route {
  readonly method: "GET" | "POST";
  readonly pattern: RegExp;
  /** What the request log calls it. */
  readonly type: string;
  readonly handle: Handler;
}

const SUB = "^/subscriptions/([^/]+)";
const route = (method: Route["method"], path: string, type: string, handle: Handler): Route => ({
  method,
  pattern: new RegExp(`${SUB}${path}$`, "i"),
  type,
  handle,
});

const VAULT_TYPE = "Microsoft.KeyVault/vaults";
const POSTGRES_TYPE = "Microsoft.DBforPostgreSQL/flexibleServers";
const REDIS_TYPE = "Microsoft.Cache/redis";
const REGISTRY_TYPE = "Microsoft.ContainerRegistry/registries";
const STORAGE_TYPE = "Microsoft.Storage/storageAccounts";
const CLUSTER_TYPE = "Microsoft.ContainerService/managedClusters";
const PUBLIC_IP_TYPE = "Microsoft.Network/publicIPAddresses";

/** A `reason` and `message` of a name-availability answer. */
interface NameRefusal {
  readonly reason: string;
  readonly message: string;
}

/**
 * One type's name-availability route that answers 200 with `{ nameAvailable, reason, message }` (Redis,
 * which answers an error instead, has its own route). The wording is each service's where its REST
 * specification or documentation shows it (docs/azure-facts.md#preflight).
 */
interface NameCheck {
  readonly type: string;
  /** The route's path after the subscription (a regular expression). */
  readonly path: string;
  /** What the request log calls it. */
  readonly logType: string;
  /** True when the path may name a region (`…/locations/{l}/…`), which must be known. */
  readonly regional?: boolean;
  /** True when the answer repeats the name and type asked about (PostgreSQL's `NameAvailability`). */
  readonly echo?: boolean;
  /** The answer for a name the type's naming rule refuses. */
  readonly invalid: (name: string) => NameRefusal;
  /** The answer for a name held by a resource (or, where `alsoHeld` says so, something else). */
  readonly taken: (name: string) => NameRefusal;
  /** What else holds a name of the type (a soft-deleted vault). */
  readonly alsoHeld?: (name: string, deps: SubscriptionRouteDeps) => boolean;
}

const NAME_CHECKS: readonly NameCheck[] = [
  {
    type: VAULT_TYPE,
    path: "/providers/Microsoft\\.KeyVault/checkNameAvailability",
    logType: "Microsoft.KeyVault/checkNameAvailability",
    invalid: (name) => ({
      reason: "AccountNameInvalid",
      message: `The name '${name}' is not a valid vault name.`,
    }),
    taken: (name) => ({
      reason: "AlreadyExists",
      message: `The vault name '${name}' is already in use. Vault names are globally unique, so another vault may have it, or a deleted vault of that name may still be recoverable and must be purged before the name can be reused.`,
    }),
    alsoHeld: (name, deps) => deps.store.deletedVault(name) !== undefined,
  },
  {
    type: POSTGRES_TYPE,
    path: "/providers/Microsoft\\.DBforPostgreSQL(?:/locations/([^/]+))?/checkNameAvailability",
    logType: "Microsoft.DBforPostgreSQL/checkNameAvailability",
    regional: true,
    echo: true,
    invalid: (name) => ({ reason: "Invalid", message: `'${name}' is not a valid server name.` }),
    taken: () => ({ reason: "AlreadyExists", message: "Specified server name is already used." }),
  },
  {
    type: REGISTRY_TYPE,
    path: "/providers/Microsoft\\.ContainerRegistry/checkNameAvailability",
    logType: "Microsoft.ContainerRegistry/checkNameAvailability",
    // Unconfirmed: the REST specification shows no answer for an invalid name.
    invalid: (name) => ({
      reason: "Invalid",
      message: `The registry name '${name}' is invalid: it must be 5 to 50 letters and digits.`,
    }),
    // The specification's example (RegistryCheckNameNotAvailable).
    taken: (name) => ({ reason: "AlreadyExists", message: `The registry ${name} is already in use.` }),
  },
  {
    type: STORAGE_TYPE,
    path: "/providers/Microsoft\\.Storage/checkNameAvailability",
    logType: "Microsoft.Storage/checkNameAvailability",
    // ARM's troubleshooting article "Resolve errors for storage account names".
    invalid: (name) => ({
      reason: "AccountNameInvalid",
      message: `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
    }),
    taken: (name) => ({
      reason: "AlreadyExists",
      message: `The storage account named ${name} is already taken.`,
    }),
  },
];

/**
 * A name-availability answer: invalid by the type's naming rule, taken by a resource of the type in any
 * subscription (names of these types are global), held otherwise (`alsoHeld`, the `takenNames` setting),
 * or available.
 */
function nameAvailability(
  check: NameCheck,
  match: RegExpExecArray,
  req: ArmRequest,
  deps: SubscriptionRouteDeps,
): ArmResponse {
  if (check.regional && match[2] !== undefined) requireRegion(match[2]);
  const name = requestedName(req, check.type);
  const base = check.echo ? { name, type: check.type } : {};
  const refusal = !nameIsValid(check.type, name, deps)
    ? check.invalid(name)
    : holds(deps, check.type, name) ||
        check.alsoHeld?.(name, deps) === true ||
        deps.settings.isNameTaken(check.type, name)
      ? check.taken(name)
      : undefined;
  return {
    status: 200,
    body: refusal ? { ...base, nameAvailable: false, ...refusal } : { ...base, nameAvailable: true },
  };
}

const ROUTES: readonly Route[] = [
  route("GET", "", "Microsoft.Resources/subscriptions", (m, _req, deps) => ({
    status: 200,
    body: subscriptionDocument(m[1]!, deps),
  })),
  route("GET", "/providers", "Microsoft.Resources/providers", (m, _req, deps) => ({
    status: 200,
    body: { value: namespaces(deps).map((ns) => providerDocument(m[1]!, ns, deps)) },
  })),
  route("GET", "/providers/([^/]+)", "Microsoft.Resources/providers", (m, _req, deps) => ({
    status: 200,
    body: providerDocument(m[1]!, knownNamespace(m[2]!, deps), deps),
  })),
  route("POST", "/providers/([^/]+)/register", "Microsoft.Resources/providers", (m, _req, deps) => {
    const namespace = knownNamespace(m[2]!, deps);
    deps.settings.register(m[1]!, namespace);
    return { status: 200, body: providerDocument(m[1]!, namespace, deps) };
  }),
  route(
    "GET",
    "(?:/resourcegroups/([^/]+))?/providers/Microsoft\\.Authorization/permissions",
    "Microsoft.Authorization/permissions",
    (m, _req, deps) => {
      if (m[2] !== undefined && !deps.store.get(`/subscriptions/${m[1]!}/resourceGroups/${m[2]}`)) {
        throw notFound("ResourceGroupNotFound", `Resource group '${m[2]}' could not be found.`);
      }
      return { status: 200, body: { value: deps.settings.permissionsOf(m[1]!) } };
    },
  ),
  ...NAME_CHECKS.map((check) =>
    route("POST", check.path, check.logType, (m, req, deps) => nameAvailability(check, m, req, deps)),
  ),
  route(
    "POST",
    "/providers/Microsoft\\.Cache/CheckNameAvailability",
    "Microsoft.Cache/checkNameAvailability",
    (_m, req, deps) => {
      const name = requestedName(req, REDIS_TYPE);
      if (!nameIsValid(REDIS_TYPE, name, deps))
        throw badRequest("InvalidResourceName", `The name '${name}' is not a valid cache name.`);
      if (holds(deps, REDIS_TYPE, name) || deps.settings.isNameTaken(REDIS_TYPE, name))
        throw conflict("NameNotAvailable", `The name '${name}' is already in use.`);
      // The spec's only answer: 200 with no body when the name is available.
      return { status: 200 };
    },
  ),
  route(
    "GET",
    "/providers/Microsoft\\.ContainerService/locations/([^/]+)/kubernetesVersions",
    "Microsoft.ContainerService/locations/kubernetesVersions",
    (m, _req, deps) => ({ status: 200, body: { values: kubernetesVersions(m[2]!, deps) } }),
  ),
  route(
    "GET",
    "/providers/Microsoft\\.ContainerService/locations/([^/]+)/orchestrators",
    "Microsoft.ContainerService/locations/orchestrators",
    (m, req, deps) => orchestrators(m[1]!, m[2]!, req, deps),
  ),
  route("GET", "/providers/Microsoft\\.Compute/skus", "Microsoft.Compute/skus", (m, req, deps) => ({
    status: 200,
    body: { value: resourceSkus(m[1]!, req, deps) },
  })),
  route(
    "GET",
    "/providers/Microsoft\\.Compute/locations/([^/]+)/usages",
    "Microsoft.Compute/locations/usages",
    (m, _req, deps) => ({ status: 200, body: { value: computeUsages(m[1]!, m[2]!, deps) } }),
  ),
  route(
    "GET",
    "/providers/Microsoft\\.Network/locations/([^/]+)/usages",
    "Microsoft.Network/locations/usages",
    (m, _req, deps) => ({ status: 200, body: { value: networkUsages(m[1]!, m[2]!, deps) } }),
  ),
  route(
    "GET",
    "/providers/Microsoft\\.DBforPostgreSQL/locations/([^/]+)/capabilities",
    "Microsoft.DBforPostgreSQL/locations/capabilities",
    (m, _req, deps) => ({ status: 200, body: { value: [postgresCapabilities(m[2]!, deps)] } }),
  ),
];

/** The route answering `method` on `path`, if any. */
function routeOf(method: string, path: string): { route: Route; match: RegExpExecArray } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { route: candidate, match };
  }
  return undefined;
}

/** What the request log calls a request these routes answer; undefined for any other. */
export function subscriptionRouteType(method: string, path: string): string | undefined {
  return routeOf(method, path)?.route.type;
}

/** True for the register action, the one route that changes anything. */
export function isProviderRegistration(method: string, path: string): boolean {
  return (
    method === "POST" && /\/providers\/[^/]+\/register$/i.test(path) && routeOf(method, path) !== undefined
  );
}

/** Answers a request these routes serve; undefined for any other (the resource providers answer it). */
export function answerSubscriptionRoute(
  req: ArmRequest,
  deps: SubscriptionRouteDeps,
): ArmResponse | undefined {
  const found = routeOf(req.method, req.path);
  if (!found) return undefined;
  if (!req.url.searchParams.get("api-version")) {
    throw badRequest(
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  return found.route.handle(found.match, req, deps);
}

function subscriptionDocument(subscriptionId: string, deps: SubscriptionRouteDeps): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscriptionId}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId,
    tenantId: deps.settings.tenantOf(subscriptionId),
    displayName: deps.settings.displayNameOf(subscriptionId),
    state: deps.settings.stateOf(subscriptionId),
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
  };
}

/** Namespaces the emulator knows: those of its resource types, plus Compute (SKUs and usages). */
function namespaces(deps: SubscriptionRouteDeps): string[] {
  const found = new Set<string>(["Microsoft.Resources", "Microsoft.Authorization", "Microsoft.Compute"]);
  for (const spec of deps.registry.values()) found.add(spec.type.split("/")[0]!);
  return [...found].sort();
}

function knownNamespace(requested: string, deps: SubscriptionRouteDeps): string {
  const namespace = namespaces(deps).find((ns) => ns.toLowerCase() === requested.toLowerCase());
  if (!namespace)
    throw notFound("InvalidResourceNamespace", `The resource namespace '${requested}' is invalid.`);
  return namespace;
}

function providerDocument(subscriptionId: string, namespace: string, deps: SubscriptionRouteDeps) {
  const locations = Object.keys(REGION_ZONES);
  const types = [...deps.registry.values()]
    .map((spec) => spec.type)
    .filter((type) => type.split("/")[0] === namespace)
    .map((type) => type.split("/").slice(1).join("/"));
  return {
    id: `/subscriptions/${subscriptionId}/providers/${namespace}`,
    namespace,
    registrationState: deps.settings.registrationOf(subscriptionId, namespace),
    registrationPolicy: "RegistrationRequired",
    resourceTypes: types.map((resourceType) => ({
      resourceType,
      locations: locations.filter(
        (location) =>
          !deps.settings
            .withdrawn("resourceTypes", location, subscriptionId)
            .some((entry) => entry.type.toLowerCase() === `${namespace}/${resourceType}`.toLowerCase()),
      ),
    })),
  };
}

/** The `name` of a name-availability body, for `type` (400 for another type or no name). */
function requestedName(req: ArmRequest, type: string): string {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString("utf8") || "{}");
  } catch {
    throw badRequest(
      "InvalidRequestContent",
      "The request content was invalid and could not be deserialized.",
    );
  }
  if (!isRecord(body) || typeof body.name !== "string")
    throw badRequest("InvalidRequestContent", "The request content is missing the required property 'name'.");
  if (typeof body.type !== "string" || body.type.toLowerCase() !== type.toLowerCase())
    throw badRequest("InvalidRequestContent", `The resource type must be '${type}'.`);
  return body.name;
}

/** The type's own naming rule (the one its creates are checked with). */
function nameIsValid(type: string, name: string, deps: SubscriptionRouteDeps): boolean {
  const pattern = deps.registry.get(type.toLowerCase())?.namePattern;
  return pattern === undefined || pattern.test(name);
}

/** True when any subscription's resource of `type` has `name` (names of these types are global). */
function holds(deps: SubscriptionRouteDeps, type: string, name: string): boolean {
  return deps.store.ofType(type).some((resource) => resource.name.toLowerCase() === name.toLowerCase());
}

/** 400 for a region the emulator does not know. */
function requireRegion(location: string): string {
  if (!isKnownRegion(location))
    throw badRequest(
      "LocationNotAvailableForResourceType",
      `The provided location '${location}' is not available.`,
    );
  return normalizeRegion(location);
}

function kubernetesVersions(location: string, deps: SubscriptionRouteDeps) {
  const region = requireRegion(location);
  const withdrawn = deps.settings.withdrawn("kubernetesVersions", region).map((entry) => entry.version);
  return AKS_VERSIONS.filter((offer) => !withdrawn.includes(offer.minor))
    .map((offer) => ({ offer, patches: offer.patches.filter((patch) => !withdrawn.includes(patch)) }))
    .filter(({ patches }) => patches.length > 0)
    .map(({ offer, patches }, index, all) => {
      const later = all.slice(index + 1).flatMap((next) => next.patches);
      return {
        version: offer.minor,
        ...(offer.isDefault ? { isDefault: true } : {}),
        ...(offer.isPreview ? { isPreview: true } : {}),
        capabilities: { supportPlan: [...offer.supportPlans] },
        patchVersions: Object.fromEntries(
          patches.map((patch, at) => [patch, { upgrades: [...patches.slice(at + 1), ...later.slice(0, 2)] }]),
        ),
      };
    });
}

function orchestrators(
  subscriptionId: string,
  location: string,
  req: ArmRequest,
  deps: SubscriptionRouteDeps,
): ArmResponse {
  const resourceType = req.url.searchParams.get("resource-type");
  if (resourceType !== null && resourceType.toLowerCase() !== "managedclusters")
    throw badRequest("InvalidParameter", `resource-type '${resourceType}' is not supported.`);
  const versions = kubernetesVersions(location, deps);
  const orchestratorsList = versions.flatMap((version) =>
    Object.entries(version.patchVersions).map(([patch, { upgrades }]) => ({
      orchestratorType: "Kubernetes",
      orchestratorVersion: patch,
      ...(version.isDefault && patch === Object.keys(version.patchVersions).at(-1) ? { default: true } : {}),
      ...(version.isPreview ? { isPreview: true } : {}),
      upgrades: upgrades.map((upgrade) => ({ orchestratorType: "Kubernetes", orchestratorVersion: upgrade })),
    })),
  );
  return {
    status: 200,
    body: {
      id: `/subscriptions/${subscriptionId}/providers/Microsoft.ContainerService/locations/${normalizeRegion(location)}/orchestrators`,
      name: "default",
      type: "Microsoft.ContainerService/locations/orchestrators",
      properties: { orchestrators: orchestratorsList },
    },
  };
}

/** `location eq 'eastus2'` of the `$filter` query, the only filter ResourceSkus_List takes. */
function filteredRegion(req: ArmRequest): string | undefined {
  const filter = req.url.searchParams.get("$filter");
  if (filter === null) return undefined;
  const match = /^\s*location\s+eq\s+'([^']+)'\s*$/i.exec(filter);
  if (!match)
    throw badRequest("InvalidFilter", `The filter '${filter}' is not supported; use location eq '<region>'.`);
  return requireRegion(match[1]!);
}

function resourceSkus(subscriptionId: string, req: ArmRequest, deps: SubscriptionRouteDeps) {
  const region = filteredRegion(req);
  const regions = region === undefined ? Object.keys(REGION_ZONES) : [region];
  return regions.flatMap((location) => {
    const zones = REGION_ZONES[location] ?? [];
    const withdrawn = deps.settings.withdrawn("vmSizes", location, subscriptionId);
    return [...VM_SIZES.values()].map((size) => {
      const restrictions = withdrawn
        .filter((entry) => entry.name.toLowerCase() === size.name.toLowerCase())
        .map((entry) =>
          entry.zones === undefined
            ? {
                type: "Location",
                values: [location],
                restrictionInfo: { locations: [location] },
                reasonCode: "NotAvailableForSubscription",
              }
            : {
                type: "Zone",
                values: [location],
                restrictionInfo: { locations: [location], zones: entry.zones },
                reasonCode: "NotAvailableForSubscription",
              },
        );
      return {
        resourceType: "virtualMachines",
        name: size.name,
        tier: "Standard",
        size: size.name.replace(/^Standard_/, ""),
        family: size.family,
        locations: [location],
        locationInfo: [{ location, zones: [...zones], zoneDetails: [] }],
        capabilities: [
          { name: "vCPUs", value: String(size.vCPUs) },
          { name: "vCPUsAvailable", value: String(size.vCPUs) },
          { name: "MemoryGB", value: String(size.memoryGB) },
          { name: "HyperVGenerations", value: "V1,V2" },
          { name: "PremiumIO", value: /s_v|ms$|B2s$/.test(size.name) ? "True" : "False" },
        ],
        restrictions,
      };
    });
  });
}

/** A usage entry: Azure's `Usage` shape (compute and network alike). */
function usage(
  subscriptionId: string,
  location: string,
  name: string,
  localizedValue: string,
  defaults: { limit: number; currentValue: number },
  deps: SubscriptionRouteDeps,
  id?: string,
) {
  const override = deps.settings.quotaOverride(subscriptionId, location, name);
  return {
    ...(id ? { id } : {}),
    unit: "Count",
    currentValue: override?.currentValue ?? defaults.currentValue,
    limit: override?.limit ?? defaults.limit,
    name: { value: name, localizedValue },
  };
}

/** Resources of `type` in the subscription and region. */
function regional(
  deps: SubscriptionRouteDeps,
  type: string,
  subscriptionId: string,
  region: string,
): StoredResource[] {
  return deps.store
    .ofType(type)
    .filter(
      (resource) =>
        resource.id.toLowerCase().startsWith(`/subscriptions/${subscriptionId.toLowerCase()}/`) &&
        normalizeRegion(String(resource.body.location ?? "")) === region,
    );
}

/** `standardDSv5Family` ⇒ `Standard DSv5 Family vCPUs`, as Azure words family quotas. */
const familyLabel = (family: string) =>
  `${family.replace(/^standard/, "Standard ").replace(/Family$/, " Family")} vCPUs`;

function computeUsages(subscriptionId: string, location: string, deps: SubscriptionRouteDeps) {
  const region = requireRegion(location);
  // AKS nodes are VMs of the subscription: each pool's current count × its size's vCPUs.
  const byFamily = new Map<string, number>();
  let vms = 0;
  for (const cluster of regional(deps, CLUSTER_TYPE, subscriptionId, region)) {
    const pools = (cluster.body.properties as { agentPoolProfiles?: unknown } | undefined)?.agentPoolProfiles;
    for (const pool of Array.isArray(pools) ? pools : []) {
      if (!isRecord(pool)) continue;
      const size = VM_SIZES.get(String(pool.vmSize ?? ""));
      const count = typeof pool.count === "number" ? pool.count : 0;
      if (!size) continue;
      byFamily.set(size.family, (byFamily.get(size.family) ?? 0) + count * size.vCPUs);
      vms += count;
    }
  }
  const families = [...new Set([...VM_SIZES.values()].map((size) => size.family))].sort();
  const total = [...byFamily.values()].reduce((sum, value) => sum + value, 0);
  return [
    usage(
      subscriptionId,
      region,
      "cores",
      "Total Regional vCPUs",
      { limit: DEFAULT_QUOTAS.regionalVcpus, currentValue: total },
      deps,
    ),
    usage(
      subscriptionId,
      region,
      "virtualMachines",
      "Virtual Machines",
      { limit: DEFAULT_QUOTAS.virtualMachines, currentValue: vms },
      deps,
    ),
    ...families.map((family) =>
      usage(
        subscriptionId,
        region,
        family,
        familyLabel(family),
        { limit: DEFAULT_QUOTAS.familyVcpus, currentValue: byFamily.get(family) ?? 0 },
        deps,
      ),
    ),
  ];
}

function networkUsages(subscriptionId: string, location: string, deps: SubscriptionRouteDeps) {
  const region = requireRegion(location);
  const ips = regional(deps, PUBLIC_IP_TYPE, subscriptionId, region);
  const standard = ips.filter(
    (ip) =>
      String((ip.body.sku as { name?: unknown } | undefined)?.name ?? "Standard").toLowerCase() ===
      "standard",
  );
  const idOf = (name: string) =>
    `/subscriptions/${subscriptionId}/providers/Microsoft.Network/locations/${region}/usages/${name}`;
  return [
    usage(
      subscriptionId,
      region,
      "PublicIPAddresses",
      "Public IP Addresses",
      { limit: DEFAULT_QUOTAS.publicIpAddresses, currentValue: ips.length },
      deps,
      idOf("PublicIPAddresses"),
    ),
    usage(
      subscriptionId,
      region,
      "IPv4StandardSkuPublicIpAddresses",
      "Public IPv4 Addresses - Standard",
      { limit: DEFAULT_QUOTAS.publicIpAddresses, currentValue: standard.length },
      deps,
      idOf("IPv4StandardSkuPublicIpAddresses"),
    ),
  ];
}

function postgresCapabilities(location: string, deps: SubscriptionRouteDeps) {
  const region = requireRegion(location);
  const zones = REGION_ZONES[region] ?? [];
  const withdrawnSkus = deps.settings
    .withdrawn("postgresSkus", region)
    .map((entry) => entry.name.toLowerCase());
  const withdrawnVersions = deps.settings.withdrawn("postgresVersions", region).map((entry) => entry.version);
  const zoneRedundant = zones.length > 0 ? "Enabled" : "Disabled";
  const versions = POSTGRES_VERSIONS.filter((version) => !withdrawnVersions.includes(version));
  return {
    name: "FlexibleServerCapabilities",
    status: "Available",
    supportedServerEditions: POSTGRES_EDITIONS.map((edition) => ({
      name: edition.name,
      defaultSkuName: edition.defaultSkuName,
      status: "Available",
      supportedStorageEditions: [
        {
          name: "ManagedDisk",
          defaultStorageSizeMb: 131072,
          status: "Available",
          supportedStorageMb: POSTGRES_STORAGE_GIB.map((gib) => ({
            storageSizeMb: gib * 1024,
            supportedIops: Math.min(20000, 120 + gib * 3),
            status: "Available",
          })),
        },
      ],
      supportedServerSkus: edition.skus
        .filter((sku) => !withdrawnSkus.includes(sku.name.toLowerCase()))
        .map((sku) => ({
          name: sku.name,
          vCores: sku.vCores,
          supportedIops: sku.vCores * 3200,
          supportedMemoryPerVcoreMb: edition.name === "MemoryOptimized" ? 8192 : 4096,
          supportedZones: [...zones],
          supportedHaMode: edition.haModes.filter((mode) => mode === "SameZone" || zones.length > 0),
          status: "Available",
        })),
    })),
    supportedServerVersions: versions.map((version) => ({
      name: version,
      supportedVersionsToUpgrade: versions.filter((other) => Number(other) > Number(version)),
      status: "Available",
    })),
    fastProvisioningSupported: "Enabled",
    geoBackupSupported: "Enabled",
    zoneRedundantHaSupported: zoneRedundant,
    zoneRedundantHaAndGeoBackupSupported: zoneRedundant,
    storageAutoGrowthSupported: "Enabled",
    onlineResizeSupported: "Enabled",
    restricted: "Disabled",
  };
}
