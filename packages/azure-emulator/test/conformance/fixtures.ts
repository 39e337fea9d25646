/**
 * What Azure's published REST specs say of each type the emulator serves, at the api-version the
 * provisioner's SDKs use: the statuses and long-running-operation headers of PUT and DELETE (from the
 * operations' `responses` and `x-ms-long-running-operation-options`), a create request modelled on the
 * spec's own example (our names and values, the example's members), and the keys the example's answer
 * carries for that request. Written by hand from the spec files named in `source`; no spec file is copied
 * here. The members, read-only and write-only flags and required members come from the emulator's
 * definition table (`src/arm-schema/definitions/`), which the same reading produced.
 */
import type { RunningEmulator } from "../../src/index.js";
import { provisioningStateOf, type WireAnswer } from "./wire.js";

/** What one answer status of an operation carries, per the spec. */
export interface StatusFacts {
  /** The answer has the resource as its body (the spec gives the status a schema). */
  readonly body: boolean;
  /** Headers the answer must carry (a long-running operation's status or result URL). */
  readonly headers: readonly ("Azure-AsyncOperation" | "Location")[];
}

/** An operation's answers: status → what it carries. */
export type OperationFacts = Readonly<Record<number, StatusFacts>>;

/** The ids and names of the conformance scenario's resources. */
export class Scenario {
  readonly location = "eastus";
  readonly otherLocation = "westus2";
  constructor(
    readonly emulator: RunningEmulator,
    readonly subscriptionId: string,
    readonly tenantId: string,
    readonly principalId: string,
  ) {}
  readonly group = "conformance";
  get groupId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.group}`;
  }
  /** `<group>/providers/<rest>` */
  id(rest: string): string {
    return `${this.groupId}/providers/${rest}`;
  }
  readonly vnet = "vnet-conformance";
  subnet(name: string): string {
    return this.id(`Microsoft.Network/virtualNetworks/${this.vnet}/subnets/${name}`);
  }
  readonly vault = "kv-conformance-0001";
  readonly vaultZone = "privatelink.vaultcore.azure.net";
  readonly postgresZone = "conformance.private.postgres.database.azure.com";
  readonly postgresServer = "pg-conformance-0001";
  readonly redis = "redis-conformance-0001";
  readonly managedRedis = "amr-conformance-0001";
  get managedRedisId(): string {
    return this.id(`Microsoft.Cache/redisEnterprise/${this.managedRedis}`);
  }
  readonly cluster = "aks-conformance";
  readonly identity = "id-conformance";
  get identityId(): string {
    return this.id(`Microsoft.ManagedIdentity/userAssignedIdentities/${this.identity}`);
  }
  readonly registry = "acrconformance0001";
  get registryId(): string {
    return this.id(`Microsoft.ContainerRegistry/registries/${this.registry}`);
  }
  readonly storageAccount = "stconformance0001";
  get storageAccountId(): string {
    return this.id(`Microsoft.Storage/storageAccounts/${this.storageAccount}`);
  }
  /** A second resource group, for names that must be unique across Azure. */
  readonly otherGroup = "conformance-elsewhere";
  get otherGroupId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.otherGroup}`;
  }
}

/** A check that is not about the common shape: a finding of the issue, or a type's own rule. */
export interface ExtraCheck {
  readonly name: string;
  /** Resolves to undefined when it holds, else to what was seen instead. */
  run(context: ExtraCheckContext): Promise<string | undefined>;
}

export interface ExtraCheckContext {
  readonly scenario: Scenario;
  readonly send: (method: string, path: string, body?: unknown) => Promise<WireAnswer>;
  /** Sends a PUT and, when it is accepted, waits for its operation to end. */
  readonly put: (path: string, body: unknown) => Promise<WireAnswer>;
  /** {@link put} at another type's api-version (a resource another check needs). */
  readonly putAt: (path: string, apiVersion: string, body: unknown) => Promise<WireAnswer>;
  /** Sends a DELETE at `apiVersion` and, when it is accepted, waits for its operation to end. */
  readonly removeAt: (path: string, apiVersion: string) => Promise<WireAnswer>;
  /** The answer the create PUT got, and the GET after everything was built. */
  readonly created: WireAnswer;
  readonly read: () => Promise<WireAnswer>;
}

/** One served type, as the spec describes it. */
export interface TypeFixture {
  readonly type: string;
  readonly apiVersion: string;
  /** The spec files (relative to `specification/`) these facts come from. */
  readonly source: readonly string[];
  /** Prerequisites this type needs that no earlier fixture makes (created without checks). */
  readonly prepare?: (
    s: Scenario,
    put: (path: string, apiVersion: string, body: unknown) => Promise<void>,
  ) => Promise<void>;
  readonly path: (s: Scenario) => string;
  /** A second resource of the type, for request probes that must not touch the first. */
  readonly probePath: (s: Scenario) => string;
  /**
   * The type's one name is fixed (a blob service is `default`): probes go to {@link probePath} as it is,
   * not to a name of their own per probe.
   */
  readonly fixedName?: boolean;
  readonly body: (s: Scenario) => Record<string, unknown>;
  /** The body of request probes, when {@link body} would clash with the first resource. @default body */
  readonly probeBody?: (s: Scenario) => Record<string, unknown>;
  readonly put: OperationFacts;
  /** `undefined`: the spec has no DELETE for the type (ARM answers 405). */
  readonly delete?: OperationFacts;
  /** Keys (dotted; `[]` = some element) the spec example's create answer has for this request. */
  readonly exampleKeys: readonly string[];
  /** Keys only the answer to the write has (Redis' access keys), never a GET. */
  readonly writeAnswerOnlyKeys?: readonly string[];
  /** Keys of the final resource only (filled once the operation ends, or by later resources). */
  readonly exampleKeysWhenBuilt?: readonly string[];
  readonly extraChecks?: readonly ExtraCheck[];
}

const sync = (body = true): StatusFacts => ({ body, headers: [] });
const asyncOp: StatusFacts = { body: true, headers: ["Azure-AsyncOperation"] };
const accepted = (...headers: StatusFacts["headers"]): StatusFacts => ({ body: false, headers });
const done: StatusFacts = { body: false, headers: [] };

/** Network writes: 200/201 with the resource and `Azure-AsyncOperation`; deletes 202 with `Location`. */
const NETWORK_PUT: OperationFacts = { 200: asyncOp, 201: asyncOp };
const NETWORK_DELETE: OperationFacts = { 200: done, 202: accepted("Location"), 204: done };
const NETWORK_SPEC = "network/resource-manager/Microsoft.Network/stable/2025-05-01";
const NETWORK = "2025-05-01";

const TAGS = { purpose: "conformance" };

const errorOf = (answer: WireAnswer): string =>
  `${answer.status} ${JSON.stringify((answer.body as { error?: unknown } | undefined)?.error ?? answer.body)}`;

const propertiesOf = (answer: WireAnswer): Record<string, unknown> =>
  (answer.body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};

const MSI = "2024-11-30";
const MSI_SPEC = "msi/resource-manager/Microsoft.ManagedIdentity/stable/2024-11-30";
const REGISTRY = "2025-11-01";
const REGISTRY_SPEC =
  "containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/2025-11-01";
const STORAGE = "2025-08-01";
const STORAGE_SPEC = "storage/resource-manager/Microsoft.Storage/stable/2025-08-01";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A federated credential as the spec's example has it (an AKS OIDC issuer), for `subject`. */
const ficBody = (subject: string) => ({
  properties: {
    issuer: "https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/conformance/",
    subject,
    audiences: ["api://AzureADTokenExchange"],
  },
});

/**
 * The storage account create: StorageAccountCreate.json's members without its edge zone, key and SAS
 * policies and routing preference (the provisioner sets none); StorageV2 and LRS as the provisioner asks.
 */
const storageAccountBody = (s: Scenario) => ({
  sku: { name: "Standard_LRS" },
  kind: "StorageV2",
  location: s.location,
  tags: TAGS,
  properties: {
    allowBlobPublicAccess: false,
    defaultToOAuthAuthentication: false,
    minimumTlsVersion: "TLS1_2",
    allowSharedKeyAccess: true,
    encryption: {
      services: {
        file: { keyType: "Account", enabled: true },
        blob: { keyType: "Account", enabled: true },
      },
      requireInfrastructureEncryption: false,
      keySource: "Microsoft.Storage",
    },
  },
});

/** The smallest storage account create. */
const storageBody = (s: Scenario) => ({
  location: s.location,
  sku: { name: "Standard_LRS" },
  kind: "StorageV2",
});

/**
 * A check that a PUT is refused with 400, whatever its code (Azure publishes none for the rule); a PUT
 * wrongly accepted is deleted again, so it leaves nothing in the way of later checks.
 */
function refusedWithBadRequest(
  name: string,
  probe: (s: Scenario) => { path: string; body: unknown },
): ExtraCheck {
  return {
    name,
    async run({ scenario, send }) {
      const { path, body } = probe(scenario);
      const answer = await send("PUT", path, body);
      if (answer.status < 300) await send("DELETE", path);
      return answer.status === 400 ? undefined : `answered ${errorOf(answer)}`;
    },
  };
}

/** A check that a PUT is refused with 400 and one of `codes`. */
function refused(
  name: string,
  codes: readonly string[],
  probe: (s: Scenario) => { path: string; body: unknown },
): ExtraCheck {
  return {
    name,
    async run({ scenario, send }) {
      const { path, body } = probe(scenario);
      const answer = await send("PUT", path, body);
      const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code ?? "";
      return answer.status === 400 && codes.includes(code) ? undefined : `answered ${errorOf(answer)}`;
    },
  };
}

/** Azure Managed Redis writes: PUT 200/201 + `Azure-AsyncOperation` (final state from the resource). */
const MANAGED_REDIS_PUT: OperationFacts = { 200: asyncOp, 201: asyncOp };
/** Azure Managed Redis DELETE: `ArmDeletedResponse | ArmDeleteAcceptedLroResponse<ArmCombinedLroHeaders> | 204`. */
const MANAGED_REDIS_DELETE: OperationFacts = {
  200: done,
  202: accepted("Azure-AsyncOperation", "Location"),
  204: done,
};
const MANAGED_REDIS = "2026-09-01";
const managedRedisDatabaseId = (s: Scenario): string => `${s.managedRedisId}/databases/default`;
const MANAGED_REDIS_SPEC = "redisenterprise/resource-manager/Microsoft.Cache/RedisEnterprise";

/**
 * A PATCH of a Managed Redis resource answers as `ArmCustomPatchAsync` with `ArmCombinedLroHeaders`: 202,
 * no body, `Azure-AsyncOperation` and `Location`; the change is visible once the operation ends.
 */
function patchAnswersAccepted(
  path: (s: Scenario) => string,
  patch: Record<string, unknown>,
  changed: (body: unknown) => boolean,
): ExtraCheck {
  return {
    name: "PATCH: 202 with Azure-AsyncOperation and Location, no body, the change applied once it ends",
    async run({ scenario, send, read }) {
      const answer = await send("PATCH", path(scenario), patch);
      const headers = ["Azure-AsyncOperation", "Location"].filter((h) => !answer.header(h));
      if (answer.status !== 202 || headers.length > 0 || answer.body !== undefined)
        return `${answer.status}, missing ${headers.join(", ") || "nothing"}, body ${JSON.stringify(answer.body ?? null)}`;
      for (let attempt = 0; attempt < 500; attempt++) {
        const current = await read();
        if (provisioningStateOf(current.body) === "Succeeded")
          return changed(current.body) ? undefined : `after the PATCH: ${JSON.stringify(current.body)}`;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return "the PATCH never finished";
    },
  };
}

/**
 * A PATCH of the tags answers one of `statuses` with the resource, the tag applied once any operation
 * ends.
 */
function patchOfTags(
  operation: string,
  path: (s: Scenario) => string,
  statuses: readonly number[],
): ExtraCheck {
  return {
    name: `PATCH (${operation}) of the tags: ${statuses.join("/")} with the resource, the tag applied`,
    async run({ scenario, send, read }) {
      const answer = await send("PATCH", path(scenario), { tags: { ...TAGS, patched: "yes" } });
      if (!statuses.includes(answer.status) || typeof answer.body !== "object")
        return `answered ${errorOf(answer).slice(0, 300)}`;
      for (let attempt = 0; attempt < 500; attempt++) {
        const current = await read();
        const state = provisioningStateOf(current.body);
        if (state === undefined || state === "Succeeded") {
          const tags = (current.body as { tags?: Record<string, string> }).tags;
          return tags?.patched === "yes" ? undefined : `tags after the PATCH ${JSON.stringify(tags)}`;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return "the PATCH never finished";
    },
  };
}

/** Built-in role definitions (GUIDs from Azure's built-in roles reference). */
const ROLE = {
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  blobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  blobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  managedIdentityOperator: "f1a07417-d97a-45cb-824c-7a7467783830",
} as const;

const assignmentName = (suffix: string): string => `5c0e7a11-9d1e-4c3b-8a55-0000000000${suffix}`;

const roleAssignmentBody = (s: Scenario, role: string) => ({
  properties: {
    roleDefinitionId: `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    principalId: s.principalId,
    principalType: "ServicePrincipal",
  },
});

/**
 * A role assignment at `scope` answers 201 with that scope, is found there, and is deleted with 200
 * (RoleAssignments_Create, _Get, _Delete at a resource scope).
 */
function roleAssignmentAt(
  what: string,
  scope: (s: Scenario) => string,
  role: string,
  suffix: string,
): ExtraCheck {
  return {
    name: `a role assignment at ${what}'s scope: 201 naming the scope, found there, deleted with 200`,
    async run({ scenario, send }) {
      const at = scope(scenario);
      const path = `${at}/providers/Microsoft.Authorization/roleAssignments/${assignmentName(suffix)}`;
      const answer = await send("PUT", path, roleAssignmentBody(scenario, role));
      const found = await send("GET", path);
      const removal = await send("DELETE", path);
      const named = String(propertiesOf(answer).scope ?? "").toLowerCase() === at.toLowerCase();
      return answer.status === 201 && named && found.status === 200 && removal.status === 200
        ? undefined
        : `PUT ${errorOf(answer).slice(0, 300)}; GET ${found.status}; DELETE ${removal.status}`;
    },
  };
}

/** A private endpoint in the scenario's endpoint subnet to `target`'s `groupId`. */
const endpointProbe = (s: Scenario, name: string, target: string, groupId: string) => ({
  path: s.id(`Microsoft.Network/privateEndpoints/${name}`),
  body: {
    location: s.location,
    properties: {
      subnet: { id: s.subnet("endpoints") },
      privateLinkServiceConnections: [
        { name, properties: { privateLinkServiceId: target, groupIds: [groupId] } },
      ],
    },
  },
});

/**
 * A private endpoint to `target` with `groupId` is approved at once and its `customDnsConfigs` name
 * `fqdns` ("Private Link resource" table of Azure's private endpoint overview; each service's private link
 * page). The endpoint is deleted again.
 */
function endpointTo(
  name: string,
  target: (s: Scenario) => string,
  groupId: string,
  fqdns: (s: Scenario) => readonly string[],
): ExtraCheck {
  return {
    name,
    async run({ scenario, put, removeAt }) {
      const probe = endpointProbe(scenario, `pe-conformance-${groupId}`, target(scenario), groupId);
      const answer = await put(probe.path, probe.body);
      const properties = propertiesOf(answer);
      if (answer.status < 300) await removeAt(probe.path, NETWORK);
      const connections = (properties.privateLinkServiceConnections ?? []) as {
        properties?: { privateLinkServiceConnectionState?: { status?: string } };
      }[];
      const status = connections[0]?.properties?.privateLinkServiceConnectionState?.status;
      const configs = ((properties.customDnsConfigs ?? []) as { fqdn?: string }[]).map((c) => c.fqdn);
      const missing = fqdns(scenario).filter((fqdn) => !configs.includes(fqdn));
      return answer.status < 300 && status === "Approved" && missing.length === 0
        ? undefined
        : `${errorOf(answer).slice(0, 200)}; status ${String(status)}; customDnsConfigs ${JSON.stringify(configs)}`;
    },
  };
}

export const FIXTURES: readonly TypeFixture[] = [
  {
    type: "Microsoft.Resources/resourceGroups",
    apiVersion: "2025-04-01",
    source: [
      "resources/resource-manager/Microsoft.Resources/resources/stable/2025-04-01/resources.json",
      "…/examples/CreateResourceGroup.json",
    ],
    path: (s) => s.groupId,
    probePath: (s) => `${s.groupId}-probe`,
    body: (s) => ({ location: s.location, tags: TAGS }),
    put: { 200: sync(), 201: sync() },
    delete: { 200: done, 202: accepted("Location") },
    exampleKeys: ["id", "name", "type", "location", "properties.provisioningState"],
  },
  {
    type: "Microsoft.Network/virtualNetworks",
    apiVersion: NETWORK,
    source: [`${NETWORK_SPEC}/virtualNetwork.json`, `${NETWORK_SPEC}/examples/VirtualNetworkCreate.json`],
    path: (s) => s.id(`Microsoft.Network/virtualNetworks/${s.vnet}`),
    probePath: (s) => s.id(`Microsoft.Network/virtualNetworks/${s.vnet}-probe`),
    body: (s) => ({
      location: s.location,
      properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, flowTimeoutInMinutes: 10 },
    }),
    put: NETWORK_PUT,
    delete: NETWORK_DELETE,
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "properties.provisioningState",
      "properties.addressSpace.addressPrefixes",
      "properties.flowTimeoutInMinutes",
      "properties.subnets",
      "properties.virtualNetworkPeerings",
    ],
  },
  {
    type: "Microsoft.Network/networkSecurityGroups",
    apiVersion: NETWORK,
    source: [
      `${NETWORK_SPEC}/networkSecurityGroup.json`,
      "network/…/stable/2024-05-01/examples/NetworkSecurityGroupCreate.json (the 2025-05-01 copy was not in the index)",
    ],
    path: (s) => s.id("Microsoft.Network/networkSecurityGroups/nsg-conformance"),
    probePath: (s) => s.id("Microsoft.Network/networkSecurityGroups/nsg-conformance-probe"),
    body: (s) => ({ location: s.location }),
    put: NETWORK_PUT,
    delete: NETWORK_DELETE,
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "properties.provisioningState",
      "properties.flushConnection",
      "properties.securityRules",
      "properties.defaultSecurityRules[].name",
      "properties.defaultSecurityRules[].id",
      "properties.defaultSecurityRules[].properties.provisioningState",
      "properties.defaultSecurityRules[].properties.description",
      "properties.defaultSecurityRules[].properties.protocol",
      "properties.defaultSecurityRules[].properties.sourcePortRange",
      "properties.defaultSecurityRules[].properties.destinationPortRange",
      "properties.defaultSecurityRules[].properties.sourceAddressPrefix",
      "properties.defaultSecurityRules[].properties.destinationAddressPrefix",
      "properties.defaultSecurityRules[].properties.access",
      "properties.defaultSecurityRules[].properties.priority",
      "properties.defaultSecurityRules[].properties.direction",
    ],
    extraChecks: [
      {
        name: "every NSG has Azure's six default rules",
        async run({ created }) {
          const rules = (propertiesOf(created).defaultSecurityRules ?? []) as { name?: string }[];
          const names = rules.map((rule) => rule.name).sort();
          const expected = [
            "AllowAzureLoadBalancerInBound",
            "AllowInternetOutBound",
            "AllowVnetInBound",
            "AllowVnetOutBound",
            "DenyAllInBound",
            "DenyAllOutBound",
          ];
          return JSON.stringify(names) === JSON.stringify(expected)
            ? undefined
            : `rules ${JSON.stringify(names)}`;
        },
      },
    ],
  },
  {
    type: "Microsoft.Network/publicIPAddresses",
    apiVersion: NETWORK,
    source: [
      `${NETWORK_SPEC}/publicIpAddress.json`,
      "network/…/stable/2024-05-01/examples/PublicIpAddressCreateDefaults.json (the 2025-05-01 copy was not in the index)",
    ],
    path: (s) => s.id("Microsoft.Network/publicIPAddresses/pip-conformance"),
    probePath: (s) => s.id("Microsoft.Network/publicIPAddresses/pip-conformance-probe"),
    body: (s) => ({ location: s.location }),
    put: NETWORK_PUT,
    delete: NETWORK_DELETE,
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "properties.provisioningState",
      "properties.publicIPAddressVersion",
      "properties.publicIPAllocationMethod",
      "properties.idleTimeoutInMinutes",
      "sku.name",
    ],
    extraChecks: [
      {
        name: "a public IP sent without SKU or method is Basic, Dynamic, IPv4, 4-minute idle timeout",
        async run({ created }) {
          const body = created.body as { sku?: { name?: string }; properties?: Record<string, unknown> };
          const seen = {
            sku: body.sku?.name,
            method: body.properties?.publicIPAllocationMethod,
            version: body.properties?.publicIPAddressVersion,
            idle: body.properties?.idleTimeoutInMinutes,
          };
          const ok =
            seen.sku === "Basic" && seen.method === "Dynamic" && seen.version === "IPv4" && seen.idle === 4;
          return ok ? undefined : JSON.stringify(seen);
        },
      },
      {
        name: "a Dynamic public IP has no address until something uses it",
        async run({ read }) {
          const ip = propertiesOf(await read()).ipAddress;
          return ip === undefined ? undefined : `ipAddress ${String(ip)}`;
        },
      },
      {
        name: "a Static Standard public IP gets its address at create",
        async run({ scenario, send }) {
          const answer = await send(
            "GET",
            scenario.id("Microsoft.Network/publicIPAddresses/pip-conformance-static"),
          );
          const ip = propertiesOf(answer).ipAddress;
          return typeof ip === "string" && /^\d+\.\d+\.\d+\.\d+$/.test(ip)
            ? undefined
            : `answered ${errorOf(answer)}`;
        },
      },
    ],
  },
  {
    type: "Microsoft.Network/natGateways",
    apiVersion: NETWORK,
    source: [`${NETWORK_SPEC}/natGateway.json`, `${NETWORK_SPEC}/examples/NatGatewayCreateOrUpdate.json`],
    prepare: async (s, put) => {
      await put(s.id("Microsoft.Network/publicIPAddresses/pip-conformance-static"), NETWORK, {
        location: s.location,
        sku: { name: "Standard", tier: "Regional" },
        properties: { publicIPAllocationMethod: "Static" },
      });
    },
    path: (s) => s.id("Microsoft.Network/natGateways/ng-conformance"),
    probePath: (s) => s.id("Microsoft.Network/natGateways/ng-conformance-probe"),
    body: (s) => ({
      location: s.location,
      sku: { name: "Standard" },
      properties: {
        publicIpAddresses: [{ id: s.id("Microsoft.Network/publicIPAddresses/pip-conformance-static") }],
      },
    }),
    put: { 200: asyncOp, 201: asyncOp, 202: accepted("Azure-AsyncOperation") },
    delete: NETWORK_DELETE,
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "sku.name",
      "properties.idleTimeoutInMinutes",
      "properties.provisioningState",
      "properties.publicIpAddresses[].id",
    ],
    exampleKeysWhenBuilt: ["properties.subnets[].id"],
    extraChecks: [
      refused(
        "a NAT gateway naming a public IP prefix that does not exist is refused",
        ["InvalidResourceReference"],
        (s) => ({
          path: s.id("Microsoft.Network/natGateways/ng-conformance-prefix"),
          body: {
            location: s.location,
            sku: { name: "Standard" },
            properties: {
              publicIpPrefixes: [{ id: s.id("Microsoft.Network/publicIPPrefixes/no-such-prefix") }],
            },
          },
        }),
      ),
      {
        name: "a NAT gateway naming a public IP of another region is refused",
        async run({ scenario, put, send }) {
          const ipPath = scenario.id("Microsoft.Network/publicIPAddresses/pip-conformance-elsewhere");
          await put(ipPath, {
            location: scenario.otherLocation,
            sku: { name: "Standard" },
            properties: { publicIPAllocationMethod: "Static" },
          });
          const answer = await send(
            "PUT",
            scenario.id("Microsoft.Network/natGateways/ng-conformance-elsewhere"),
            {
              location: scenario.location,
              sku: { name: "Standard" },
              properties: { publicIpAddresses: [{ id: ipPath }] },
            },
          );
          return answer.status === 400 ? undefined : `answered ${errorOf(answer)}`;
        },
      },
    ],
  },
  {
    type: "Microsoft.Network/virtualNetworks/subnets",
    apiVersion: NETWORK,
    source: [
      `${NETWORK_SPEC}/virtualNetwork.json`,
      "…/examples/SubnetCreate.json (keys as in the 2024-05-01 copy)",
    ],
    path: (s) => s.subnet("nodes"),
    probePath: (s) => s.subnet("probe"),
    probeBody: () => ({ properties: { addressPrefix: "10.0.6.0/24" } }),
    body: (s) => ({
      properties: {
        addressPrefix: "10.0.0.0/22",
        networkSecurityGroup: { id: s.id("Microsoft.Network/networkSecurityGroups/nsg-conformance") },
        natGateway: { id: s.id("Microsoft.Network/natGateways/ng-conformance") },
        defaultOutboundAccess: false,
      },
    }),
    put: NETWORK_PUT,
    delete: NETWORK_DELETE,
    exampleKeys: ["id", "name", "properties.addressPrefix", "properties.provisioningState"],
  },
  {
    type: "Microsoft.Network/privateDnsZones",
    apiVersion: "2020-06-01",
    source: [
      "privatedns/resource-manager/Microsoft.Network/stable/2020-06-01/privatedns.json",
      "…/examples/PrivateZonePut.json",
    ],
    path: (s) => s.id(`Microsoft.Network/privateDnsZones/${s.vaultZone}`),
    probePath: (s) => s.id("Microsoft.Network/privateDnsZones/probe.conformance.example"),
    body: () => ({ location: "global", tags: TAGS }),
    put: { 200: sync(), 201: sync(), 202: accepted("Location", "Azure-AsyncOperation") },
    delete: { 200: done, 202: accepted("Location", "Azure-AsyncOperation"), 204: done },
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "etag",
      "tags",
      "properties.maxNumberOfRecordSets",
      "properties.numberOfRecordSets",
      "properties.maxNumberOfVirtualNetworkLinks",
      "properties.numberOfVirtualNetworkLinks",
      "properties.maxNumberOfVirtualNetworkLinksWithRegistration",
      "properties.numberOfVirtualNetworkLinksWithRegistration",
      "properties.provisioningState",
    ],
    extraChecks: [
      {
        name: "a zone counts its virtual network links and record sets",
        async run({ read }) {
          const properties = propertiesOf(await read());
          // One link (the VNet link fixture) and the SOA plus the private endpoint's A record.
          const ok = properties.numberOfVirtualNetworkLinks === 1 && properties.numberOfRecordSets === 2;
          return ok
            ? undefined
            : `links ${String(properties.numberOfVirtualNetworkLinks)}, record sets ${String(properties.numberOfRecordSets)}`;
        },
      },
    ],
  },
  {
    type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    apiVersion: "2020-06-01",
    source: [
      "privatedns/resource-manager/Microsoft.Network/stable/2020-06-01/privatedns.json",
      "…/examples/VirtualNetworkLinkPut.json",
    ],
    path: (s) =>
      s.id(`Microsoft.Network/privateDnsZones/${s.vaultZone}/virtualNetworkLinks/link-conformance`),
    probePath: (s) => s.id(`Microsoft.Network/privateDnsZones/${s.vaultZone}/virtualNetworkLinks/link-probe`),
    body: (s) => ({
      location: "global",
      tags: TAGS,
      properties: {
        virtualNetwork: { id: s.id(`Microsoft.Network/virtualNetworks/${s.vnet}`) },
        registrationEnabled: false,
      },
    }),
    put: { 200: sync(), 201: sync(), 202: accepted("Location", "Azure-AsyncOperation") },
    delete: { 200: done, 202: accepted("Location", "Azure-AsyncOperation"), 204: done },
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "etag",
      "tags",
      "properties.virtualNetwork.id",
      "properties.registrationEnabled",
      "properties.virtualNetworkLinkState",
      "properties.provisioningState",
    ],
  },
  {
    type: "Microsoft.KeyVault/vaults",
    apiVersion: "2026-02-01",
    source: [
      "keyvault/resource-manager/Microsoft.KeyVault/stable/2026-02-01/openapi.json",
      "keyvault/…/stable/2024-11-01/examples/createVault.json (the 2026-02-01 examples were not in the index)",
    ],
    path: (s) => s.id(`Microsoft.KeyVault/vaults/${s.vault}`),
    probePath: (s) => s.id("Microsoft.KeyVault/vaults/kv-conformance-probe"),
    body: (s) => ({
      location: s.location,
      properties: {
        tenantId: s.tenantId,
        sku: { family: "A", name: "standard" },
        accessPolicies: [
          {
            tenantId: s.tenantId,
            objectId: s.principalId,
            permissions: { keys: ["get"], secrets: ["get", "list", "set"], certificates: ["get"] },
          },
        ],
        enabledForDeployment: true,
        enabledForDiskEncryption: true,
        enabledForTemplateDeployment: true,
        publicNetworkAccess: "Enabled",
        createMode: "default",
      },
    }),
    put: { 200: sync(), 201: sync() },
    delete: { 200: done, 204: done },
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "tags",
      "systemData.createdBy",
      "systemData.createdByType",
      "systemData.createdAt",
      "systemData.lastModifiedBy",
      "systemData.lastModifiedByType",
      "systemData.lastModifiedAt",
      "properties.sku.family",
      "properties.sku.name",
      "properties.tenantId",
      "properties.accessPolicies[].tenantId",
      "properties.accessPolicies[].objectId",
      "properties.accessPolicies[].permissions.keys",
      "properties.accessPolicies[].permissions.secrets",
      "properties.accessPolicies[].permissions.certificates",
      "properties.enabledForDeployment",
      "properties.enabledForDiskEncryption",
      "properties.enabledForTemplateDeployment",
      "properties.vaultUri",
      "properties.provisioningState",
      "properties.publicNetworkAccess",
    ],
    // The private endpoint fixture connects to this vault.
    exampleKeysWhenBuilt: [
      "properties.privateEndpointConnections[].id",
      "properties.privateEndpointConnections[].properties.provisioningState",
      "properties.privateEndpointConnections[].properties.privateEndpoint.id",
      "properties.privateEndpointConnections[].properties.privateLinkServiceConnectionState.status",
      "properties.privateEndpointConnections[].properties.privateLinkServiceConnectionState.actionsRequired",
    ],
  },
  {
    type: "Microsoft.Network/privateEndpoints",
    apiVersion: NETWORK,
    source: [
      "network/…/stable/2025-03-01/privateEndpoint.json",
      "network/…/stable/2024-05-01/examples/PrivateEndpointCreate.json",
    ],
    prepare: async (s, put) => {
      await put(s.subnet("endpoints"), NETWORK, {
        properties: { addressPrefix: "10.0.4.0/24", privateEndpointNetworkPolicies: "Disabled" },
      });
    },
    path: (s) => s.id("Microsoft.Network/privateEndpoints/pe-conformance"),
    probePath: (s) => s.id("Microsoft.Network/privateEndpoints/pe-conformance-probe"),
    body: (s) => ({
      location: s.location,
      properties: {
        subnet: { id: s.subnet("endpoints") },
        privateLinkServiceConnections: [
          {
            name: "pe-conformance",
            properties: {
              privateLinkServiceId: s.id(`Microsoft.KeyVault/vaults/${s.vault}`),
              groupIds: ["vault"],
              requestMessage: "Please approve my connection.",
            },
          },
        ],
        customNetworkInterfaceName: "pe-conformance-nic",
      },
    }),
    put: NETWORK_PUT,
    delete: NETWORK_DELETE,
    exampleKeys: [
      "id",
      "name",
      "location",
      "properties.provisioningState",
      "properties.privateLinkServiceConnections[].id",
      "properties.privateLinkServiceConnections[].properties.privateLinkServiceId",
      "properties.privateLinkServiceConnections[].properties.groupIds",
      "properties.privateLinkServiceConnections[].properties.requestMessage",
      "properties.privateLinkServiceConnections[].properties.privateLinkServiceConnectionState.status",
      "properties.privateLinkServiceConnections[].properties.privateLinkServiceConnectionState.description",
      "properties.privateLinkServiceConnections[].properties.privateLinkServiceConnectionState.actionsRequired",
      "properties.subnet.id",
      "properties.networkInterfaces[].id",
      "properties.customDnsConfigs[].fqdn",
      "properties.customDnsConfigs[].ipAddresses",
      "properties.applicationSecurityGroups",
      "properties.customNetworkInterfaceName",
    ],
    exampleKeysWhenBuilt: ["properties.manualPrivateLinkServiceConnections"],
    extraChecks: [
      {
        name: "a connection to a resource the caller may manage is approved at once",
        async run({ created }) {
          const connections = (propertiesOf(created).privateLinkServiceConnections ?? []) as {
            properties?: { privateLinkServiceConnectionState?: { status?: string } };
          }[];
          const status = connections[0]?.properties?.privateLinkServiceConnectionState?.status;
          return status === "Approved" ? undefined : `status ${String(status)}`;
        },
      },
      endpointTo(
        "a private endpoint to a Premium container registry with group id registry is approved; its DNS configs name the registry and its regional data endpoint",
        (s) => s.registryId,
        "registry",
        (s) => [`${s.registry}.azurecr.io`, `${s.registry}.${s.location}.data.azurecr.io`],
      ),
      endpointTo(
        "a private endpoint to a storage account with group id blob is approved; its DNS config names the blob endpoint",
        (s) => s.storageAccountId,
        "blob",
        (s) => [`${s.storageAccount}.blob.core.windows.net`],
      ),
      refused(
        "a private endpoint to a container registry with group id blob is refused (400)",
        ["InvalidPrivateLinkGroupId"],
        (s) => endpointProbe(s, "pe-conformance-acr-blob", s.registryId, "blob"),
      ),
      refused(
        "a private endpoint to a storage account with group id registry is refused (400)",
        ["InvalidPrivateLinkGroupId"],
        (s) => endpointProbe(s, "pe-conformance-st-registry", s.storageAccountId, "registry"),
      ),
      {
        name: "a private endpoint to a Standard container registry is refused (private endpoints need Premium) (400)",
        async run({ scenario, send, putAt, removeAt }) {
          const registry = scenario.id("Microsoft.ContainerRegistry/registries/acrconformancestd");
          const made = await putAt(registry, REGISTRY, {
            location: scenario.location,
            sku: { name: "Standard" },
          });
          if (made.status >= 300) return `the Standard registry was refused: ${errorOf(made)}`;
          const { path, body } = endpointProbe(scenario, "pe-conformance-acr-std", registry, "registry");
          const answer = await send("PUT", path, body);
          if (answer.status < 300) await removeAt(path, NETWORK);
          await removeAt(registry, REGISTRY);
          return answer.status === 400 ? undefined : errorOf(answer);
        },
      },
    ],
  },
  {
    type: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    apiVersion: NETWORK,
    source: [
      "network/…/stable/2025-03-01/privateEndpoint.json",
      "network/…/stable/2024-05-01/examples/PrivateEndpointDnsZoneGroupCreate.json",
    ],
    path: (s) => s.id("Microsoft.Network/privateEndpoints/pe-conformance/privateDnsZoneGroups/default"),
    probePath: (s) => s.id("Microsoft.Network/privateEndpoints/pe-conformance/privateDnsZoneGroups/probe"),
    body: (s) => ({
      properties: {
        privateDnsZoneConfigs: [
          {
            name: "vault",
            properties: { privateDnsZoneId: s.id(`Microsoft.Network/privateDnsZones/${s.vaultZone}`) },
          },
        ],
      },
    }),
    put: NETWORK_PUT,
    delete: NETWORK_DELETE,
    exampleKeys: [
      "id",
      "name",
      "properties.provisioningState",
      "properties.privateDnsZoneConfigs[].properties.privateDnsZoneId",
      "properties.privateDnsZoneConfigs[].properties.recordSets[].recordType",
      "properties.privateDnsZoneConfigs[].properties.recordSets[].recordSetName",
      "properties.privateDnsZoneConfigs[].properties.recordSets[].fqdn",
      "properties.privateDnsZoneConfigs[].properties.recordSets[].ipAddresses",
    ],
  },
  {
    type: "Microsoft.Authorization/roleAssignments",
    apiVersion: "2022-04-01",
    source: [
      "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json",
      "…/examples/RoleAssignments_CreateForResource.json",
    ],
    path: (s) =>
      s.id(
        `Microsoft.KeyVault/vaults/${s.vault}/providers/Microsoft.Authorization/roleAssignments/7f9ec3ef-7c7e-4f3c-8d2f-0a9f5c4b1e01`,
      ),
    probePath: (s) =>
      s.id(
        `Microsoft.KeyVault/vaults/${s.vault}/providers/Microsoft.Authorization/roleAssignments/7f9ec3ef-7c7e-4f3c-8d2f-0a9f5c4b2f00`,
      ),
    body: (s) => ({
      properties: {
        roleDefinitionId: `/subscriptions/${s.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7`,
        principalId: s.principalId,
        principalType: "ServicePrincipal",
      },
    }),
    put: { 200: sync(), 201: sync() },
    delete: { 200: done, 204: done },
    exampleKeys: [
      "id",
      "name",
      "type",
      "properties.roleDefinitionId",
      "properties.principalId",
      "properties.principalType",
      "properties.scope",
    ],
    // Run once every fixture exists: role assignments at the scopes of the types that come later.
    extraChecks: [
      roleAssignmentAt("a container registry (AcrPull)", (s) => s.registryId, ROLE.acrPull, "01"),
      roleAssignmentAt(
        "a storage account (Storage Blob Data Contributor)",
        (s) => s.storageAccountId,
        ROLE.blobDataContributor,
        "02",
      ),
      roleAssignmentAt(
        "a blob container (Storage Blob Data Reader)",
        (s) => `${s.storageAccountId}/blobServices/default/containers/conformance`,
        ROLE.blobDataReader,
        "03",
      ),
      roleAssignmentAt(
        "a user-assigned identity (Managed Identity Operator)",
        (s) => s.identityId,
        ROLE.managedIdentityOperator,
        "04",
      ),
      {
        name: "a role assignment at a container registry that does not exist is refused (404)",
        async run({ scenario, send }) {
          const path = `${scenario.id("Microsoft.ContainerRegistry/registries/acrnosuchregistry")}/providers/Microsoft.Authorization/roleAssignments/${assignmentName("05")}`;
          const answer = await send("PUT", path, roleAssignmentBody(scenario, ROLE.acrPull));
          if (answer.status < 300) await send("DELETE", path);
          return answer.status === 404 ? undefined : errorOf(answer);
        },
      },
    ],
  },
  {
    type: "Microsoft.Cache/redis",
    apiVersion: "2024-11-01",
    source: [
      "redis/resource-manager/Microsoft.Cache/stable/2024-11-01/redis.json",
      "…/examples/RedisCacheCreate.json",
    ],
    path: (s) => s.id(`Microsoft.Cache/redis/${s.redis}`),
    probePath: (s) => s.id("Microsoft.Cache/redis/redis-conformance-probe"),
    body: (s) => ({
      location: s.location,
      zones: ["1"],
      properties: {
        sku: { name: "Premium", family: "P", capacity: 1 },
        redisVersion: "4",
        enableNonSslPort: false,
        shardCount: 2,
        replicasPerPrimary: 2,
        redisConfiguration: { "maxmemory-policy": "allkeys-lru" },
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
      },
    }),
    put: { 200: sync(), 201: sync() },
    delete: { 200: done, 202: accepted("Location"), 204: done },
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "zones",
      "tags",
      "properties.provisioningState",
      "properties.redisVersion",
      "properties.sku.name",
      "properties.sku.family",
      "properties.sku.capacity",
      "properties.enableNonSslPort",
      "properties.replicasPerMaster",
      "properties.replicasPerPrimary",
      "properties.updateChannel",
      "properties.zonalAllocationPolicy",
      "properties.redisConfiguration.maxmemory-policy",
      "properties.hostName",
      "properties.port",
      "properties.sslPort",
      "properties.minimumTlsVersion",
      "properties.instances[].sslPort",
      "properties.instances[].nonSslPort",
      "properties.instances[].zone",
      "properties.instances[].shardId",
      "properties.instances[].isMaster",
      "properties.instances[].isPrimary",
    ],
    writeAnswerOnlyKeys: ["properties.accessKeys.primaryKey", "properties.accessKeys.secondaryKey"],
    exampleKeysWhenBuilt: [
      "properties.redisConfiguration.maxclients",
      "properties.redisConfiguration.maxmemory-reserved",
      "properties.redisConfiguration.maxmemory-delta",
    ],
    extraChecks: [
      {
        name: 'the Redis version asked for is the one answered ("4" is 4.0.x)',
        async run({ read }) {
          const version = String(propertiesOf(await read()).redisVersion);
          return version.startsWith("4.") ? undefined : `redisVersion ${version}`;
        },
      },
      {
        name: "a cache lists one instance per node: 2 shards × (1 primary + 2 replicas)",
        async run({ read }) {
          const instances = (propertiesOf(await read()).instances ?? []) as unknown[];
          return instances.length === 6 ? undefined : `${instances.length} instances`;
        },
      },
      {
        name: "the access keys are only in the answer to the write, never in a GET",
        async run({ read }) {
          const keys = propertiesOf(await read()).accessKeys;
          return keys === undefined || keys === null ? undefined : "GET answered accessKeys";
        },
      },
    ],
  },
  {
    type: "Microsoft.Cache/redisEnterprise",
    apiVersion: MANAGED_REDIS,
    source: [
      `${MANAGED_REDIS_SPEC}/Cluster.tsp, models.tsp, main.tsp (2026-09-01)`,
      `${MANAGED_REDIS_SPEC}/stable/2025-07-01/examples/RedisEnterpriseCreate.json (the 2026-09-01 examples were not in the index; its Enterprise Flash SKU, zones, identity and customer-managed key left out: a new Enterprise cluster is refused since 2026-04-01)`,
    ],
    path: (s) => s.managedRedisId,
    probePath: (s) => s.id("Microsoft.Cache/redisEnterprise/amr-conformance-probe"),
    body: (s) => ({
      location: s.location,
      sku: { name: "Balanced_B5" },
      tags: TAGS,
      properties: { minimumTlsVersion: "1.2", publicNetworkAccess: "Disabled", highAvailability: "Enabled" },
    }),
    put: MANAGED_REDIS_PUT,
    delete: MANAGED_REDIS_DELETE,
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "kind",
      "sku.name",
      "tags",
      "properties.provisioningState",
      "properties.resourceState",
      "properties.hostName",
      "properties.redisVersion",
      "properties.minimumTlsVersion",
      "properties.publicNetworkAccess",
    ],
    extraChecks: [
      {
        name: "the host name is <name>.<region>.redis.azure.net (read-only)",
        async run({ scenario, read }) {
          const host = propertiesOf(await read()).hostName;
          return host === `${scenario.managedRedis}.${scenario.location}.redis.azure.net`
            ? undefined
            : `hostName ${JSON.stringify(host)}`;
        },
      },
      refused(
        "a new Enterprise cluster is refused (retired for new clusters since 2026-04-01)",
        ["BadRequest"],
        (s) => ({
          path: s.id("Microsoft.Cache/redisEnterprise/amr-conformance-enterprise"),
          body: {
            location: s.location,
            sku: { name: "Enterprise_E10", capacity: 2 },
            properties: { publicNetworkAccess: "Disabled" },
          },
        }),
      ),
      patchAnswersAccepted(
        (s) => s.managedRedisId,
        { tags: { ...TAGS, patched: "yes" } },
        (body) => (body as { tags?: Record<string, string> }).tags?.patched === "yes",
      ),
    ],
  },
  {
    type: "Microsoft.Cache/redisEnterprise/databases",
    apiVersion: MANAGED_REDIS,
    source: [
      `${MANAGED_REDIS_SPEC}/Database.tsp, models.tsp (2026-09-01)`,
      `${MANAGED_REDIS_SPEC}/stable/2025-07-01/examples/RedisEnterpriseDatabasesCreate.json (its modules left out: the emulator does not run modules, and the provisioner asks for none)`,
    ],
    path: managedRedisDatabaseId,
    probePath: (s) => `${s.managedRedisId}/databases/probe`,
    body: () => ({
      properties: {
        clientProtocol: "Encrypted",
        clusteringPolicy: "EnterpriseCluster",
        evictionPolicy: "AllKeysLRU",
        persistence: { aofEnabled: true, aofFrequency: "1s" },
        port: 10000,
        deferUpgrade: "NotDeferred",
        accessKeysAuthentication: "Enabled",
      },
    }),
    put: MANAGED_REDIS_PUT,
    delete: MANAGED_REDIS_DELETE,
    exampleKeys: [
      "id",
      "name",
      "type",
      "properties.provisioningState",
      "properties.resourceState",
      "properties.clientProtocol",
      "properties.clusteringPolicy",
      "properties.evictionPolicy",
      "properties.persistence.aofEnabled",
      "properties.persistence.aofFrequency",
      "properties.port",
      "properties.accessKeysAuthentication",
    ],
    // The example's answer to a PUT on an existing database (200) carries these too.
    exampleKeysWhenBuilt: ["properties.deferUpgrade", "properties.redisVersion"],
    extraChecks: [
      {
        name: "listKeys answers both access keys; no answer of the database carries them",
        async run({ scenario, send, read }) {
          const keys = (await send("POST", `${managedRedisDatabaseId(scenario)}/listKeys`)).body as
            Record<string, unknown> | undefined;
          const body = JSON.stringify((await read()).body);
          const ok =
            typeof keys?.primaryKey === "string" &&
            typeof keys.secondaryKey === "string" &&
            !body.includes(keys.primaryKey);
          return ok ? undefined : `listKeys ${JSON.stringify(keys)}`;
        },
      },
      {
        name: "a PATCH of the create-only port is refused (DatabaseUpdate does not define it)",
        async run({ scenario, send }) {
          const answer = await send("PATCH", managedRedisDatabaseId(scenario), {
            properties: { port: 10001 },
          });
          const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
          return answer.status === 400 && code === "InvalidRequestContent"
            ? undefined
            : `answered ${errorOf(answer)}`;
        },
      },
      patchAnswersAccepted(
        managedRedisDatabaseId,
        { properties: { evictionPolicy: "VolatileLRU" } },
        (body) =>
          (body as { properties?: { evictionPolicy?: string } }).properties?.evictionPolicy === "VolatileLRU",
      ),
    ],
  },
  {
    type: "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments",
    apiVersion: MANAGED_REDIS,
    source: [
      `${MANAGED_REDIS_SPEC}/AccessPolicyAssignment.tsp, models.tsp (2026-09-01)`,
      `${MANAGED_REDIS_SPEC}/stable/2025-07-01/examples/RedisEnterpriseAccessPolicyAssignmentCreateUpdate.json`,
    ],
    path: (s) => `${managedRedisDatabaseId(s)}/accessPolicyAssignments/conformance`,
    probePath: (s) => `${managedRedisDatabaseId(s)}/accessPolicyAssignments/probe`,
    body: () => ({
      properties: { accessPolicyName: "default", user: { objectId: "6497c918-11ad-41e7-9b0f-7c518a87d0b0" } },
    }),
    // `ArmResourceCreateOrReplaceAsync`: 200/201 with the resource and `Azure-AsyncOperation`.
    put: MANAGED_REDIS_PUT,
    delete: MANAGED_REDIS_DELETE,
    exampleKeys: [
      "id",
      "name",
      "type",
      "properties.provisioningState",
      "properties.accessPolicyName",
      "properties.user.objectId",
    ],
    extraChecks: [
      refused("a name with a hyphen is refused (^[A-Za-z0-9]{1,60}$)", ["InvalidResourceName"], (s) => ({
        path: `${managedRedisDatabaseId(s)}/accessPolicyAssignments/work-load`,
        body: { properties: { user: { objectId: "6497c918-11ad-41e7-9b0f-7c518a87d0b0" } } },
      })),
    ],
  },
  {
    type: "Microsoft.DBforPostgreSQL/flexibleServers",
    apiVersion: "2025-08-01",
    source: [
      "postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/Servers.json",
      "…/examples/ServersGetWithVnet.json",
    ],
    prepare: async (s, put) => {
      await put(s.subnet("postgres"), NETWORK, {
        properties: {
          addressPrefix: "10.0.5.0/24",
          delegations: [
            { name: "pg", properties: { serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" } },
          ],
        },
      });
      await put(s.id(`Microsoft.Network/privateDnsZones/${s.postgresZone}`), "2020-06-01", {
        location: "global",
      });
      await put(
        s.id(`Microsoft.Network/privateDnsZones/${s.postgresZone}/virtualNetworkLinks/link-postgres`),
        "2020-06-01",
        {
          location: "global",
          properties: {
            virtualNetwork: { id: s.id(`Microsoft.Network/virtualNetworks/${s.vnet}`) },
            registrationEnabled: false,
          },
        },
      );
    },
    path: (s) => s.id(`Microsoft.DBforPostgreSQL/flexibleServers/${s.postgresServer}`),
    probePath: (s) => s.id("Microsoft.DBforPostgreSQL/flexibleServers/pg-conformance-probe"),
    body: (s) => ({
      location: s.location,
      tags: { VnetServer: "1" },
      sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
      properties: {
        administratorLogin: "conformanceadmin",
        administratorLoginPassword: "Conformance-Passw0rd!",
        version: "17",
        availabilityZone: "1",
        storage: { storageSizeGB: 512, autoGrow: "Disabled" },
        backup: { backupRetentionDays: 7, geoRedundantBackup: "Enabled" },
        network: {
          delegatedSubnetResourceId: s.subnet("postgres"),
          privateDnsZoneArmResourceId: s.id(`Microsoft.Network/privateDnsZones/${s.postgresZone}`),
        },
        highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: "2" },
        createMode: "Create",
      },
    }),
    put: { 202: accepted("Location", "Azure-AsyncOperation") },
    delete: { 202: accepted("Location", "Azure-AsyncOperation"), 204: done },
    exampleKeys: [],
    exampleKeysWhenBuilt: [
      "id",
      "name",
      "type",
      "location",
      "tags",
      "systemData.createdAt",
      "sku.name",
      "sku.tier",
      "properties.administratorLogin",
      "properties.authConfig.activeDirectoryAuth",
      "properties.authConfig.passwordAuth",
      "properties.availabilityZone",
      "properties.backup.backupRetentionDays",
      "properties.backup.earliestRestoreDate",
      "properties.backup.geoRedundantBackup",
      "properties.dataEncryption.type",
      "properties.fullyQualifiedDomainName",
      "properties.highAvailability.mode",
      "properties.highAvailability.standbyAvailabilityZone",
      "properties.highAvailability.state",
      "properties.maintenanceWindow.customWindow",
      "properties.maintenanceWindow.dayOfWeek",
      "properties.maintenanceWindow.startHour",
      "properties.maintenanceWindow.startMinute",
      "properties.minorVersion",
      "properties.network.delegatedSubnetResourceId",
      "properties.network.privateDnsZoneArmResourceId",
      "properties.network.publicNetworkAccess",
      "properties.replica.capacity",
      "properties.replica.role",
      "properties.replicaCapacity",
      "properties.replicationRole",
      "properties.state",
      "properties.storage.type",
      "properties.storage.autoGrow",
      "properties.storage.iops",
      "properties.storage.storageSizeGB",
      "properties.storage.tier",
      "properties.version",
    ],
  },
  {
    type: "Microsoft.DBforPostgreSQL/flexibleServers/databases",
    apiVersion: "2025-08-01",
    source: [
      "postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/Databases.json",
      "…/examples/DatabasesCreate.json",
    ],
    path: (s) => s.id(`Microsoft.DBforPostgreSQL/flexibleServers/${s.postgresServer}/databases/appdb`),
    probePath: (s) => s.id(`Microsoft.DBforPostgreSQL/flexibleServers/${s.postgresServer}/databases/probedb`),
    body: () => ({ properties: { charset: "UTF8", collation: "en_US.utf8" } }),
    put: { 200: sync(), 201: sync(), 202: accepted("Location") },
    delete: { 200: done, 202: accepted("Location"), 204: done },
    exampleKeys: [],
    exampleKeysWhenBuilt: ["id", "name", "type", "properties.charset", "properties.collation"],
  },
  {
    type: "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
    apiVersion: "2025-08-01",
    source: [
      "postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/AdministratorsMicrosoftEntra.json",
      "…/examples/AdministratorsMicrosoftEntraAdd.json",
    ],
    // A server with Microsoft Entra authentication on (the first server has passwords only).
    prepare: async (s, put) => {
      await put(s.id("Microsoft.DBforPostgreSQL/flexibleServers/pg-conformance-entra"), "2025-08-01", {
        location: s.location,
        sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
        properties: {
          version: "17",
          authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId: s.tenantId },
          network: {
            delegatedSubnetResourceId: s.subnet("postgres"),
            privateDnsZoneArmResourceId: s.id(`Microsoft.Network/privateDnsZones/${s.postgresZone}`),
          },
        },
      });
    },
    path: (s) =>
      s.id(`Microsoft.DBforPostgreSQL/flexibleServers/pg-conformance-entra/administrators/${s.principalId}`),
    probePath: (s) =>
      s.id(
        "Microsoft.DBforPostgreSQL/flexibleServers/pg-conformance-entra/administrators/0b6c3e1d-2f4a-4c5b-9d8e-7f6a5b4c3d2e",
      ),
    body: (s) => ({
      properties: {
        tenantId: s.tenantId,
        principalType: "ServicePrincipal",
        principalName: "id-conformance",
      },
    }),
    put: { 202: accepted("Location", "Azure-AsyncOperation") },
    delete: { 202: accepted("Location", "Azure-AsyncOperation"), 204: done },
    exampleKeys: [],
    exampleKeysWhenBuilt: [
      "id",
      "name",
      "type",
      "properties.principalType",
      "properties.principalName",
      "properties.objectId",
      "properties.tenantId",
    ],
    extraChecks: [
      refused(
        "an administrator of a server whose Entra authentication is off is refused (Unconfirmed code)",
        ["AadAuthenticationNotEnabled"],
        (s) => ({
          path: s.id(
            `Microsoft.DBforPostgreSQL/flexibleServers/${s.postgresServer}/administrators/${s.principalId}`,
          ),
          body: {
            properties: {
              tenantId: s.tenantId,
              principalType: "ServicePrincipal",
              principalName: "id-conformance",
            },
          },
        }),
      ),
    ],
  },
  {
    type: "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
    apiVersion: "2025-08-01",
    source: [
      "postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01/Configurations.json",
      "…/examples/ConfigurationsGet.json",
    ],
    path: (s) =>
      s.id(`Microsoft.DBforPostgreSQL/flexibleServers/${s.postgresServer}/configurations/array_nulls`),
    probePath: (s) =>
      s.id(
        `Microsoft.DBforPostgreSQL/flexibleServers/${s.postgresServer}/configurations/require_secure_transport`,
      ),
    body: () => ({ properties: { value: "off", source: "user-override" } }),
    put: { 202: accepted("Location", "Azure-AsyncOperation") },
    exampleKeys: [],
    exampleKeysWhenBuilt: [
      "id",
      "name",
      "type",
      "properties.description",
      "properties.allowedValues",
      "properties.dataType",
      "properties.defaultValue",
      "properties.documentationLink",
      "properties.isConfigPendingRestart",
      "properties.isDynamicConfig",
      "properties.isReadOnly",
      "properties.source",
      "properties.value",
    ],
    extraChecks: [
      {
        name: "every server parameter exists: max_connections, never written, is answered with its metadata",
        async run({ scenario, send }) {
          const answer = await send(
            "GET",
            scenario.id(
              `Microsoft.DBforPostgreSQL/flexibleServers/${scenario.postgresServer}/configurations/max_connections`,
            ),
          );
          const properties = propertiesOf(answer);
          const ok =
            answer.status === 200 &&
            properties.source === "system-default" &&
            properties.dataType === "Integer" &&
            typeof properties.defaultValue === "string" &&
            properties.value === properties.defaultValue;
          return ok ? undefined : `answered ${errorOf(answer)}`;
        },
      },
    ],
  },
  {
    type: "Microsoft.ContainerService/managedClusters",
    apiVersion: "2026-04-01",
    source: [
      "containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2026-04-01/managedClusters.json",
      "…/examples/ManagedClustersGet.json",
    ],
    prepare: async (s, put) => {
      await put(s.subnet("cluster"), NETWORK, { properties: { addressPrefix: "10.0.8.0/21" } });
    },
    path: (s) => s.id(`Microsoft.ContainerService/managedClusters/${s.cluster}`),
    probePath: (s) => s.id("Microsoft.ContainerService/managedClusters/aks-conformance-probe"),
    body: (s) => ({
      location: s.location,
      tags: { tier: "production" },
      properties: {
        kubernetesVersion: "1.33",
        dnsPrefix: "dnsprefix1",
        enableRBAC: true,
        agentPoolProfiles: [
          {
            name: "nodepool1",
            count: 3,
            vmSize: "Standard_D4s_v5",
            availabilityZones: ["1", "2", "3"],
            osType: "Linux",
            mode: "System",
            vnetSubnetID: s.subnet("cluster"),
          },
        ],
        linuxProfile: {
          adminUsername: "azureuser",
          ssh: { publicKeys: [{ keyData: "ssh-rsa AAAAB3Nza conformance" }] },
        },
        windowsProfile: { adminUsername: "azureuser", adminPassword: "Conformance-Passw0rd!" },
        servicePrincipalProfile: { clientId: "conformance-client", secret: "conformance-sp-secret" },
        networkProfile: { networkPlugin: "kubenet", loadBalancerSku: "standard" },
      },
    }),
    put: { 200: asyncOp, 201: asyncOp },
    delete: { 202: accepted("Location", "Azure-AsyncOperation"), 204: done },
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "tags",
      "eTag",
      "properties.agentPoolProfiles[].name",
      "properties.agentPoolProfiles[].availabilityZones",
      "properties.agentPoolProfiles[].count",
      "properties.agentPoolProfiles[].currentOrchestratorVersion",
      "properties.agentPoolProfiles[].eTag",
      "properties.agentPoolProfiles[].maxPods",
      "properties.agentPoolProfiles[].nodeImageVersion",
      "properties.agentPoolProfiles[].orchestratorVersion",
      "properties.agentPoolProfiles[].osType",
      "properties.agentPoolProfiles[].provisioningState",
      "properties.agentPoolProfiles[].upgradeSettings.maxSurge",
      "properties.agentPoolProfiles[].vmSize",
      "properties.azurePortalFQDN",
      "properties.currentKubernetesVersion",
      "properties.dnsPrefix",
      "properties.enableRBAC",
      "properties.fqdn",
      "properties.kubernetesVersion",
      "properties.linuxProfile.adminUsername",
      "properties.linuxProfile.ssh.publicKeys[].keyData",
      "properties.maxAgentPools",
      "properties.networkProfile.dnsServiceIP",
      "properties.networkProfile.ipFamilies",
      "properties.networkProfile.loadBalancerProfile.effectiveOutboundIPs[].id",
      "properties.networkProfile.loadBalancerSku",
      "properties.networkProfile.networkPlugin",
      "properties.networkProfile.outboundType",
      "properties.networkProfile.podCidr",
      "properties.networkProfile.podCidrs",
      "properties.networkProfile.serviceCidr",
      "properties.networkProfile.serviceCidrs",
      "properties.nodeResourceGroup",
      "properties.provisioningState",
      "properties.servicePrincipalProfile.clientId",
    ],
    extraChecks: [
      {
        name: "an empty kubernetesVersion takes the default version",
        async run({ scenario, put, created }) {
          const base = created.body as { properties?: Record<string, unknown> };
          const answer = await put(
            scenario.id("Microsoft.ContainerService/managedClusters/aks-conformance-default"),
            {
              location: scenario.location,
              properties: {
                kubernetesVersion: "",
                dnsPrefix: "dnsdefault",
                agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D4s_v5", mode: "System" }],
              },
            },
          );
          const properties = propertiesOf(answer);
          const ok =
            typeof properties.currentKubernetesVersion === "string" &&
            /^\d+\.\d+\.\d+$/.test(properties.currentKubernetesVersion) &&
            base !== undefined;
          return ok
            ? undefined
            : `kubernetesVersion ${JSON.stringify(properties.kubernetesVersion)}, current ${JSON.stringify(properties.currentKubernetesVersion)}`;
        },
      },
      refused(
        'a cluster in a location that does not exist ("location1") is refused',
        ["LocationNotAvailableForResourceType", "InvalidLocation"],
        (s) => ({
          path: s.id("Microsoft.ContainerService/managedClusters/aks-conformance-nowhere"),
          body: {
            location: "location1",
            properties: {
              dnsPrefix: "nowhere",
              agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D4s_v5", mode: "System" }],
            },
          },
        }),
      ),
      refused(
        "a disk encryption set that does not exist is refused",
        ["InvalidResourceReference", "DiskEncryptionSetNotFound", "LinkedInvalidPropertyId"],
        (s) => ({
          path: s.id("Microsoft.ContainerService/managedClusters/aks-conformance-des"),
          body: {
            location: s.location,
            properties: {
              dnsPrefix: "des",
              diskEncryptionSetID: s.id("Microsoft.Compute/diskEncryptionSets/no-such-set"),
              agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D4s_v5", mode: "System" }],
            },
          },
        }),
      ),
      refused(
        "a user-assigned identity that does not exist is refused",
        ["InvalidResourceReference", "InvalidUserAssignedIdentity", "LinkedInvalidPropertyId"],
        (s) => ({
          path: s.id("Microsoft.ContainerService/managedClusters/aks-conformance-uami"),
          body: {
            location: s.location,
            identity: {
              type: "UserAssigned",
              userAssignedIdentities: {
                [s.id("Microsoft.ManagedIdentity/userAssignedIdentities/no-such-identity")]: {},
              },
            },
            properties: {
              dnsPrefix: "uami",
              agentPoolProfiles: [{ name: "system", count: 1, vmSize: "Standard_D4s_v5", mode: "System" }],
            },
          },
        }),
      ),
    ],
  },
  {
    type: "Microsoft.Network/dnsZones",
    apiVersion: "2018-05-01",
    source: [
      "dns/resource-manager/Microsoft.Network/stable/2018-05-01/dns.json",
      "…/examples/CreateOrUpdateZone.json",
    ],
    path: (s) => s.id("Microsoft.Network/dnsZones/conformance.example.com"),
    probePath: (s) => s.id("Microsoft.Network/dnsZones/probe.example.com"),
    body: () => ({ location: "global", tags: TAGS }),
    // Zones_CreateOrUpdate answers 200/201 with the zone; Zones_Delete is long-running (Location).
    put: { 200: sync(), 201: sync() },
    delete: { 200: done, 202: accepted("Location"), 204: done },
    exampleKeys: [
      "id",
      "etag",
      "location",
      "name",
      "type",
      "tags",
      "properties.maxNumberOfRecordSets",
      "properties.numberOfRecordSets",
      "properties.nameServers",
      "properties.zoneType",
    ],
    extraChecks: [
      {
        name: "a zone answers the four name servers Azure DNS assigned it, one per Azure DNS domain",
        async run({ created }) {
          const servers = propertiesOf(created).nameServers;
          const domains = Array.isArray(servers)
            ? servers.map((server) =>
                String(server)
                  .replace(/^ns\d-\d+\./, "")
                  .replace(/\.$/, ""),
              )
            : [];
          const expected = ["azure-dns.com", "azure-dns.net", "azure-dns.org", "azure-dns.info"];
          return JSON.stringify(domains) === JSON.stringify(expected) ? undefined : JSON.stringify(servers);
        },
      },
      {
        name: "a zone is global: a region is refused",
        async run({ send, scenario }) {
          const answer = await send("PUT", scenario.id("Microsoft.Network/dnsZones/regional.example.com"), {
            location: scenario.location,
          });
          return answer.status === 400 ? undefined : errorOf(answer);
        },
      },
    ],
  },
  {
    type: "Microsoft.Network/dnsZones/A",
    apiVersion: "2018-05-01",
    source: [
      "dns/resource-manager/Microsoft.Network/stable/2018-05-01/dns.json",
      "…/examples/CreateOrUpdateARecordset.json",
    ],
    path: (s) => s.id("Microsoft.Network/dnsZones/conformance.example.com/A/www"),
    probePath: (s) => s.id("Microsoft.Network/dnsZones/conformance.example.com/A/probe"),
    body: () => ({
      properties: { metadata: { key1: "value1" }, TTL: 3600, ARecords: [{ ipv4Address: "192.0.2.10" }] },
    }),
    // RecordSets_CreateOrUpdate answers 200/201 with the record set; RecordSets_Delete 200/204 at once.
    put: { 200: sync(), 201: sync() },
    delete: { 200: done, 204: done },
    exampleKeys: [
      "id",
      "etag",
      "name",
      "type",
      "properties.metadata",
      "properties.TTL",
      "properties.fqdn",
      "properties.ARecords",
    ],
    extraChecks: [
      {
        name: "a record set refuses an A record that is no IPv4 address",
        async run({ send, scenario }) {
          const answer = await send(
            "PUT",
            scenario.id("Microsoft.Network/dnsZones/conformance.example.com/A/bad"),
            { properties: { TTL: 60, ARecords: [{ ipv4Address: "300.1.2.3" }] } },
          );
          return answer.status === 400 ? undefined : errorOf(answer);
        },
      },
    ],
  },
  {
    type: "Microsoft.ManagedIdentity/userAssignedIdentities",
    apiVersion: MSI,
    source: [`${MSI_SPEC}/ManagedIdentity.json`, `${MSI_SPEC}/examples/IdentityCreate.json`],
    path: (s) => s.identityId,
    probePath: (s) => s.id("Microsoft.ManagedIdentity/userAssignedIdentities/id-conformance-probe"),
    // The example sends location and tags; `isolationScope` is the one writable property (create, update).
    body: (s) => ({ location: s.location, tags: TAGS, properties: { isolationScope: "None" } }),
    // UserAssignedIdentities_CreateOrUpdate: 200 "update operation succeeded", 201 "create operation
    // succeeded", no long-running operation; _Delete: 200/204.
    put: { 201: sync() },
    delete: { 200: done, 204: done },
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "tags",
      "properties.clientId",
      "properties.principalId",
      "properties.tenantId",
      "properties.isolationScope",
    ],
    extraChecks: [
      {
        name: "tenantId, principalId and clientId are the service's: GUIDs, the tenant the caller's",
        async run({ scenario, read }) {
          const properties = propertiesOf(await read());
          const ids = [properties.tenantId, properties.principalId, properties.clientId];
          const ok =
            ids.every((id) => typeof id === "string" && GUID.test(id)) &&
            properties.tenantId === scenario.tenantId &&
            properties.principalId !== properties.clientId;
          return ok ? undefined : JSON.stringify(properties);
        },
      },
      {
        name: "isolationScope is writable on create (x-ms-mutability read, update, create): Regional is kept",
        async run({ scenario, put, send }) {
          const path = scenario.id(
            "Microsoft.ManagedIdentity/userAssignedIdentities/id-conformance-regional",
          );
          const answer = await put(path, {
            location: scenario.location,
            properties: { isolationScope: "Regional" },
          });
          const scope = propertiesOf(await send("GET", path)).isolationScope;
          await send("DELETE", path);
          return answer.status < 300 && scope === "Regional"
            ? undefined
            : `${errorOf(answer)}; isolationScope ${JSON.stringify(scope)}`;
        },
      },
      patchOfTags("UserAssignedIdentities_Update", (s) => s.identityId, [200]),
      refused(
        "a name of 2 characters is refused (3-128 letters, digits, hyphens and underscores)",
        ["InvalidResourceName"],
        (s) => ({
          path: s.id("Microsoft.ManagedIdentity/userAssignedIdentities/id"),
          body: { location: s.location },
        }),
      ),
      refused("a name starting with a hyphen is refused", ["InvalidResourceName"], (s) => ({
        path: s.id("Microsoft.ManagedIdentity/userAssignedIdentities/-id-conformance"),
        body: { location: s.location },
      })),
    ],
  },
  {
    type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
    apiVersion: MSI,
    source: [
      `${MSI_SPEC}/ManagedIdentity.json`,
      `${MSI_SPEC}/examples/FederatedIdentityCredentialCreate.json`,
    ],
    path: (s) => `${s.identityId}/federatedIdentityCredentials/fic-conformance`,
    probePath: (s) => `${s.identityId}/federatedIdentityCredentials/fic-probe`,
    body: () => ficBody("system:serviceaccount:conformance:app"),
    probeBody: () => ficBody("system:serviceaccount:conformance:probe"),
    // FederatedIdentityCredentials_CreateOrUpdate: 200 update / 201 create, synchronous; _Delete: 200/204.
    put: { 201: sync() },
    delete: { 200: done, 204: done },
    exampleKeys: ["id", "name", "type", "properties.issuer", "properties.subject", "properties.audiences"],
    extraChecks: [
      refused(
        "a name of 2 characters is refused (^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$)",
        ["InvalidResourceName"],
        (s) => ({
          path: `${s.identityId}/federatedIdentityCredentials/fi`,
          body: ficBody("system:serviceaccount:conformance:short"),
        }),
      ),
      refused("a name of 121 characters is refused", ["InvalidResourceName"], (s) => ({
        path: `${s.identityId}/federatedIdentityCredentials/f${"i".repeat(120)}`,
        body: ficBody("system:serviceaccount:conformance:long"),
      })),
      refused("a name starting with an underscore is refused", ["InvalidResourceName"], (s) => ({
        path: `${s.identityId}/federatedIdentityCredentials/_fic-conformance`,
        body: ficBody("system:serviceaccount:conformance:underscore"),
      })),
      {
        name: "a name of 120 characters is accepted",
        async run({ scenario, put, send }) {
          const path = `${scenario.identityId}/federatedIdentityCredentials/f${"i".repeat(119)}`;
          const answer = await put(path, ficBody("system:serviceaccount:conformance:longest"));
          await send("DELETE", path);
          return answer.status < 300 ? undefined : errorOf(answer);
        },
      },
      refusedWithBadRequest("an issuer that is no HTTPS URL is refused (400)", (s) => ({
        path: `${s.identityId}/federatedIdentityCredentials/fic-http`,
        body: {
          properties: {
            ...ficBody("system:serviceaccount:conformance:http").properties,
            issuer: "http://issuer.example.com/",
          },
        },
      })),
      refusedWithBadRequest("a subject of more than 600 characters is refused (400)", (s) => ({
        path: `${s.identityId}/federatedIdentityCredentials/fic-long-subject`,
        body: ficBody(`system:serviceaccount:conformance:${"s".repeat(600)}`),
      })),
      refusedWithBadRequest("an issuer of more than 600 characters is refused (400)", (s) => ({
        path: `${s.identityId}/federatedIdentityCredentials/fic-long-issuer`,
        body: {
          properties: {
            ...ficBody("system:serviceaccount:conformance:issuer").properties,
            issuer: `https://issuer.example.com/${"i".repeat(600)}`,
          },
        },
      })),
      refusedWithBadRequest("a second credential with the same issuer and subject is refused (400)", (s) => ({
        path: `${s.identityId}/federatedIdentityCredentials/fic-twin`,
        body: ficBody("system:serviceaccount:conformance:app"),
      })),
      {
        name: "an identity holds at most 20 credentials: the 21st is refused (400)",
        async run({ scenario, put, send }) {
          const made: string[] = [];
          let seen: string | undefined;
          // The fixture's credential is the first; 19 more make 20.
          for (let n = 2; n <= 20 && seen === undefined; n++) {
            const path = `${scenario.identityId}/federatedIdentityCredentials/fic-limit-${n}`;
            const answer = await put(path, ficBody(`system:serviceaccount:conformance:limit-${n}`));
            if (answer.status < 300) made.push(path);
            else seen = `credential ${n} refused: ${errorOf(answer)}`;
          }
          if (seen === undefined) {
            const extra = `${scenario.identityId}/federatedIdentityCredentials/fic-limit-21`;
            const answer = await send("PUT", extra, ficBody("system:serviceaccount:conformance:limit-21"));
            if (answer.status < 300) made.push(extra);
            if (answer.status !== 400) seen = `the 21st answered ${errorOf(answer)}`;
          }
          for (const path of made) await send("DELETE", path);
          return seen;
        },
      },
    ],
  },
  {
    type: "Microsoft.ContainerRegistry/registries",
    apiVersion: REGISTRY,
    source: [`${REGISTRY_SPEC}/containerregistry.json`, `${REGISTRY_SPEC}/examples/RegistryCreate.json`],
    prepare: async (s, put) => {
      await put(s.otherGroupId, "2025-04-01", { location: s.location });
    },
    path: (s) => s.registryId,
    probePath: (s) => s.id("Microsoft.ContainerRegistry/registries/acrconformanceprobe"),
    // The example's members; Premium (the tier private endpoints need) and no admin user, as the
    // provisioner asks.
    body: (s) => ({
      location: s.location,
      tags: TAGS,
      sku: { name: "Premium" },
      properties: { adminUserEnabled: false },
    }),
    // Registries_Create: 200 "update operation succeeded" (no operation), 201 "create operation
    // succeeded" with Azure-AsyncOperation (final-state-via azure-async-operation); Registries_Delete:
    // 200, 202 with Location (final-state-via location), 204.
    put: { 201: asyncOp },
    delete: { 200: done, 202: accepted("Location"), 204: done },
    exampleKeys: [
      "id",
      "name",
      "type",
      "location",
      "tags",
      "sku.name",
      "sku.tier",
      "properties.loginServer",
      "properties.creationDate",
      "properties.provisioningState",
      "properties.adminUserEnabled",
      "properties.networkRuleSet.defaultAction",
      "properties.networkRuleSet.ipRules",
      "properties.policies.quarantinePolicy.status",
      "properties.policies.trustPolicy.type",
      "properties.policies.trustPolicy.status",
      "properties.policies.retentionPolicy.days",
      "properties.policies.retentionPolicy.lastUpdatedTime",
      "properties.policies.retentionPolicy.status",
      "properties.policies.exportPolicy.status",
      "properties.policies.azureADAuthenticationAsArmPolicy.status",
      "properties.encryption.status",
      "properties.dataEndpointEnabled",
      "properties.dataEndpointHostNames",
      "properties.privateEndpointConnections",
      "properties.publicNetworkAccess",
      "properties.networkRuleBypassOptions",
      "properties.networkRuleBypassAllowedForTasks",
      "properties.zoneRedundancy",
      "properties.anonymousPullEnabled",
      "properties.roleAssignmentMode",
    ],
    extraChecks: [
      {
        name: "the login server is <name>.azurecr.io, lower-case (read-only)",
        async run({ scenario, read }) {
          const server = propertiesOf(await read()).loginServer;
          return server === `${scenario.registry}.azurecr.io` ? undefined : `loginServer ${String(server)}`;
        },
      },
      {
        name: "the create answers provisioningState Creating, Succeeded once the operation ends",
        async run({ created, read }) {
          const first = provisioningStateOf(created.body);
          const last = provisioningStateOf((await read()).body);
          return first === "Creating" && last === "Succeeded" ? undefined : `${first} then ${last}`;
        },
      },
      // Registries_Update: 200 with the registry, or 201 with Azure-AsyncOperation.
      patchOfTags("Registries_Update", (s) => s.registryId, [200, 201]),
      refused("a name of 4 characters is refused (5-50 alphanumerics)", ["InvalidResourceName"], (s) => ({
        path: s.id("Microsoft.ContainerRegistry/registries/acr1"),
        body: { location: s.location, sku: { name: "Basic" } },
      })),
      refused("a name with a hyphen is refused", ["InvalidResourceName"], (s) => ({
        path: s.id("Microsoft.ContainerRegistry/registries/acr-conformance"),
        body: { location: s.location, sku: { name: "Basic" } },
      })),
      refused("a name of 51 characters is refused", ["InvalidResourceName"], (s) => ({
        path: s.id(`Microsoft.ContainerRegistry/registries/acr${"x".repeat(48)}`),
        body: { location: s.location, sku: { name: "Basic" } },
      })),
      {
        name: "the name is unique across Azure: the same name in another resource group is refused",
        async run({ scenario, send }) {
          const path = `${scenario.otherGroupId}/providers/Microsoft.ContainerRegistry/registries/${scenario.registry}`;
          const answer = await send("PUT", path, { location: scenario.location, sku: { name: "Basic" } });
          if (answer.status < 300) await send("DELETE", path);
          return answer.status >= 400 && answer.status < 500 ? undefined : errorOf(answer);
        },
      },
      refusedWithBadRequest(
        "public network access Disabled needs the Premium tier: a Standard registry asking for it is refused (400)",
        (s) => ({
          path: s.id("Microsoft.ContainerRegistry/registries/acrconformancestandard"),
          body: {
            location: s.location,
            sku: { name: "Standard" },
            properties: { publicNetworkAccess: "Disabled" },
          },
        }),
      ),
    ],
  },
  {
    type: "Microsoft.Storage/storageAccounts",
    apiVersion: STORAGE,
    source: [`${STORAGE_SPEC}/storage.json`, `${STORAGE_SPEC}/examples/StorageAccountCreate.json`],
    path: (s) => s.storageAccountId,
    probePath: (s) => s.id("Microsoft.Storage/storageAccounts/stconformanceprobe"),
    body: storageAccountBody,
    // StorageAccounts_Create: x-ms-long-running-operation with no final-state option; 200 with the account
    // (it exists with these properties), 202 without a body. The spec lists no header for the 202; ARM's
    // rule for a 202 is a Location (or Azure-AsyncOperation) to poll, and the storage provider answers
    // Location. StorageAccounts_Delete: 200/204, not long-running.
    put: { 200: sync(), 202: accepted("Location") },
    delete: { 200: done, 204: done },
    exampleKeys: [],
    exampleKeysWhenBuilt: [
      "id",
      "name",
      "type",
      "kind",
      "location",
      "tags",
      "sku.name",
      "sku.tier",
      "properties.keyCreationTime.key1",
      "properties.keyCreationTime.key2",
      "properties.allowBlobPublicAccess",
      "properties.minimumTlsVersion",
      "properties.allowSharedKeyAccess",
      "properties.creationTime",
      "properties.primaryEndpoints.web",
      "properties.primaryEndpoints.dfs",
      "properties.primaryEndpoints.blob",
      "properties.primaryEndpoints.file",
      "properties.primaryEndpoints.queue",
      "properties.primaryEndpoints.table",
      "properties.primaryLocation",
      "properties.provisioningState",
      "properties.encryption.services.file.keyType",
      "properties.encryption.services.file.enabled",
      "properties.encryption.services.file.lastEnabledTime",
      "properties.encryption.services.blob.keyType",
      "properties.encryption.services.blob.enabled",
      "properties.encryption.services.blob.lastEnabledTime",
      "properties.encryption.requireInfrastructureEncryption",
      "properties.encryption.keySource",
      "properties.statusOfPrimary",
      "properties.supportsHttpsTrafficOnly",
    ],
    extraChecks: [
      {
        name: "the 202 carries no body; a PUT of the same properties once it exists answers 200 with the account",
        async run({ scenario, created, send }) {
          const again = await send("PUT", scenario.storageAccountId, storageAccountBody(scenario));
          return created.body === undefined &&
            again.status === 200 &&
            propertiesOf(again).provisioningState === "Succeeded"
            ? undefined
            : `create body ${JSON.stringify(created.body ?? null).slice(0, 80)}; again ${errorOf(again).slice(0, 200)}`;
        },
      },
      // StorageAccounts_Update: 200 with the account, not long-running.
      patchOfTags("StorageAccounts_Update", (s) => s.storageAccountId, [200]),
      {
        name: "the primary endpoints are https://<name>.<service>.core.windows.net/",
        async run({ scenario, read }) {
          const endpoints = propertiesOf(await read()).primaryEndpoints as Record<string, string> | undefined;
          const wrong = ["blob", "queue", "table", "file", "dfs"].filter(
            (service) =>
              endpoints?.[service] !== `https://${scenario.storageAccount}.${service}.core.windows.net/`,
          );
          return wrong.length === 0 ? undefined : JSON.stringify(endpoints);
        },
      },
      refused(
        "an upper-case name is refused (3-24 lower-case letters and digits)",
        ["AccountNameInvalid", "InvalidResourceName"],
        (s) => ({
          path: s.id("Microsoft.Storage/storageAccounts/StConformance"),
          body: storageBody(s),
        }),
      ),
      refused("a name of 25 characters is refused", ["AccountNameInvalid", "InvalidResourceName"], (s) => ({
        path: s.id(`Microsoft.Storage/storageAccounts/st${"x".repeat(23)}`),
        body: storageBody(s),
      })),
      refused("a name of 2 characters is refused", ["AccountNameInvalid", "InvalidResourceName"], (s) => ({
        path: s.id("Microsoft.Storage/storageAccounts/st"),
        body: storageBody(s),
      })),
      {
        // Same subscription, other group: Azure's own code for it ("Resolve errors for storage account
        // names", docs/azure-facts.md#preflight); another subscription answers StorageAccountAlreadyTaken.
        name: "the name is unique across Azure: another resource group of the subscription answers 409 StorageAccountInAnotherResourceGroup",
        async run({ scenario, send }) {
          const path = `${scenario.otherGroupId}/providers/Microsoft.Storage/storageAccounts/${scenario.storageAccount}`;
          const answer = await send("PUT", path, storageBody(scenario));
          if (answer.status < 300) await send("DELETE", path);
          const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
          return answer.status === 409 && code === "StorageAccountInAnotherResourceGroup"
            ? undefined
            : errorOf(answer);
        },
      },
    ],
  },
  {
    type: "Microsoft.Storage/storageAccounts/blobServices",
    apiVersion: STORAGE,
    source: [`${STORAGE_SPEC}/blob.json`, `${STORAGE_SPEC}/examples/BlobServicesPut.json`],
    path: (s) => `${s.storageAccountId}/blobServices/default`,
    probePath: (s) => `${s.storageAccountId}/blobServices/default`,
    fixedName: true,
    // The example's members, one CORS rule of its three.
    body: () => ({
      properties: {
        cors: {
          corsRules: [
            {
              allowedOrigins: ["https://www.contoso.com"],
              allowedMethods: ["GET", "PUT"],
              maxAgeInSeconds: 100,
              exposedHeaders: ["x-ms-meta-*"],
              allowedHeaders: ["x-ms-meta-abc"],
            },
          ],
        },
        defaultServiceVersion: "2017-07-29",
        deleteRetentionPolicy: { enabled: true, days: 7 },
        isVersioningEnabled: true,
        changeFeed: { enabled: true, retentionInDays: 7 },
      },
    }),
    // BlobServices_SetServiceProperties: 200 with the properties, synchronous; the spec has no DELETE (the
    // service exists with its account).
    put: { 200: sync() },
    exampleKeys: [
      "id",
      "name",
      "type",
      "properties.cors.corsRules",
      "properties.defaultServiceVersion",
      "properties.deleteRetentionPolicy.enabled",
      "properties.deleteRetentionPolicy.days",
      "properties.isVersioningEnabled",
      "properties.changeFeed.enabled",
      "properties.changeFeed.retentionInDays",
      "sku.name",
      "sku.tier",
    ],
    extraChecks: [
      refused("a blob service named other than default is refused", ["InvalidResourceName"], (s) => ({
        path: `${s.storageAccountId}/blobServices/other`,
        body: { properties: { isVersioningEnabled: true } },
      })),
      {
        name: "blob soft delete keeps 1-365 days: 366 is refused (400)",
        async run({ scenario, send }) {
          const answer = await send("PUT", `${scenario.storageAccountId}/blobServices/default`, {
            properties: { deleteRetentionPolicy: { enabled: true, days: 366 } },
          });
          return answer.status === 400 ? undefined : errorOf(answer);
        },
      },
    ],
  },
  {
    type: "Microsoft.Storage/storageAccounts/blobServices/containers",
    apiVersion: STORAGE,
    source: [
      `${STORAGE_SPEC}/blob.json`,
      `${STORAGE_SPEC}/examples/BlobContainersPut.json`,
      `${STORAGE_SPEC}/examples/BlobContainersGet.json`,
    ],
    path: (s) => `${s.storageAccountId}/blobServices/default/containers/conformance`,
    probePath: (s) => `${s.storageAccountId}/blobServices/default/containers/probe`,
    // The example sends an empty container; ours says what the provisioner says.
    body: () => ({ properties: { publicAccess: "None", metadata: { purpose: "conformance" } } }),
    // BlobContainers_Create: 201 "Created", 200 "already created", synchronous; _Delete: 200/204.
    put: { 201: sync() },
    delete: { 200: done, 204: done },
    exampleKeys: ["id", "name", "type"],
    exampleKeysWhenBuilt: [
      "etag",
      "properties.publicAccess",
      "properties.leaseStatus",
      "properties.leaseState",
      "properties.lastModifiedTime",
      "properties.hasImmutabilityPolicy",
      "properties.hasLegalHold",
    ],
    extraChecks: [
      ...[
        ["a name of 2 characters", "ab"],
        ["a name of 64 characters", `c${"x".repeat(63)}`],
        ["an upper-case name", "UpperCase"],
        ["a name with two consecutive hyphens", "con--formance"],
        ["a name starting with a hyphen", "-conformance"],
        ["a name ending with a hyphen", "conformance-"],
      ].map(([what, name]) =>
        refused(
          `${what ?? ""} is refused (3-63 lower-case letters, digits, single hyphens)`,
          ["InvalidResourceName", "ContainerNameInvalid"],
          (s) => ({
            path: `${s.storageAccountId}/blobServices/default/containers/${name ?? ""}`,
            body: {},
          }),
        ),
      ),
      {
        name: "a name of 63 characters is accepted",
        async run({ scenario, put, send }) {
          const path = `${scenario.storageAccountId}/blobServices/default/containers/c${"x".repeat(62)}`;
          const answer = await put(path, {});
          await send("DELETE", path);
          return answer.status < 300 ? undefined : errorOf(answer);
        },
      },
      refusedWithBadRequest("public access on an account that disallows it is refused (400)", (s) => ({
        path: `${s.storageAccountId}/blobServices/default/containers/public`,
        body: { properties: { publicAccess: "Blob" } },
      })),
    ],
  },
];

/** A deleted vault: answered only (`GET …/locations/{l}/deletedVaults/{name}`), after the vault fixture is deleted. */
export const DELETED_VAULT_FIXTURE = {
  type: "Microsoft.KeyVault/deletedVaults",
  apiVersion: "2026-02-01",
  source: [
    "keyvault/resource-manager/Microsoft.KeyVault/stable/2026-02-01/openapi.json",
    "…/examples/getDeletedVault.json",
  ],
  path: (s: Scenario) =>
    `/subscriptions/${s.subscriptionId}/providers/Microsoft.KeyVault/locations/${s.location}/deletedVaults/${s.vault}`,
  exampleKeys: [
    "id",
    "name",
    "type",
    "properties.vaultId",
    "properties.location",
    "properties.deletionDate",
    "properties.scheduledPurgeDate",
    "properties.tags",
    "properties.purgeProtectionEnabled",
  ],
} as const;
