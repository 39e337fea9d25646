/**
 * The base module's nodes: resource group, VNet, NSGs, NAT egress, the three subnets, the private DNS
 * zones the environment needs with their VNet links, and the Key Vault with its firewall, private
 * endpoint and the provisioner's role. Returns what later modules attach to.
 */
import type { BaseModule } from "../spec/types";
import { armId, environmentResourceName, makeNode, ownerOf, tagsOf, type PlanningScope } from "./node";
import { deterministicGuid, environmentDnsLabel } from "./naming";
import { factOf } from "./facts";
import type { JsonObject, JsonValue, PlanNode } from "./types";

/** Built-in role: Key Vault Secrets Officer (read and write secrets under Azure RBAC). */
export const KEY_VAULT_SECRETS_OFFICER_ROLE_ID = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

/** Subnet names inside the VNet (fixed: they are unique within it). */
export const SUBNET_NAMES = {
  nodes: "nodes",
  privateEndpoints: "private-endpoints",
  postgres: "postgres",
} as const;

/** Private DNS zones of Azure Private Link for the services this plan reaches privately. */
export const PRIVATE_LINK_ZONES = {
  vault: "privatelink.vaultcore.azure.net",
  /** Azure Cache for Redis (`redisCache` endpoints). */
  redis: "privatelink.redis.cache.windows.net",
  /** Azure Managed Redis (`redisEnterprise` endpoints); clients keep using `<name>.<region>.redis.azure.net`. */
  managedRedis: "privatelink.redis.azure.net",
  /** Container registries: the registry and its regional data endpoint (`<name>.<region>.data`). */
  registry: "privatelink.azurecr.io",
  /** Storage accounts' blob endpoints (`<name>.blob.core.windows.net`). */
  blob: "privatelink.blob.core.windows.net",
} as const;

/** A node another module depends on or refers to. */
export interface NodeRef {
  readonly key: string;
  readonly id: string;
  readonly name: string;
}

/** What the base module offers the others. */
export interface NetworkRefs {
  readonly module: string;
  readonly resourceGroup: NodeRef;
  readonly nodesSubnet: NodeRef;
  readonly privateEndpointsSubnet: NodeRef;
  readonly postgresSubnet: NodeRef;
  readonly vault: NodeRef;
  /** The provisioner's Key Vault Secrets Officer assignment: secret writes wait for it. */
  readonly vaultWriterRole: NodeRef;
  /**
   * Zone and its VNet link, for zones the plan needs (`vault`, `redis`, `managedRedis`, `postgres`,
   * `registry`).
   */
  readonly zones: { readonly [service: string]: { readonly zone: NodeRef; readonly link: NodeRef } };
}

/** The role definition id of a built-in role in a subscription. */
export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/**
 * A private endpoint to `target` in the private-endpoints subnet, plus its DNS zone group.
 * @param label names the endpoint (`pe-<org>-<env>-<label>`) and, with a hyphen, prefixes its parts' keys.
 */
export function privateEndpointNodes(
  scope: PlanningScope,
  subnet: NodeRef,
  module: string,
  label: { readonly name: string; readonly partPrefix: string },
  target: NodeRef,
  groupId: string,
  zone: NodeRef,
  stage: PlanNode["stage"],
): PlanNode[] {
  const name = environmentResourceName(scope, "privateEndpoint", "pe", module, [label.name]);
  const id = armId(scope, "Microsoft.Network", ["privateEndpoints", name]);
  const endpoint = makeNode({
    kind: "privateEndpoint",
    module,
    part: `${label.partPrefix}private-endpoint`,
    stage,
    name,
    id,
    // The DNS zone is not needed to create the endpoint, but the zone group that follows needs it, and
    // waiting here keeps the endpoint from being reachable before its name resolves privately.
    dependsOn: [target.key, subnet.key, zone.key],
    desired: {
      location: scope.location,
      tags: tagsOf(scope, module),
      subnet: { id: subnet.id },
      privateLinkServiceConnections: [{ name, privateLinkServiceId: target.id, groupIds: [groupId] }],
    },
  });
  const zoneGroup = makeNode({
    kind: "privateDnsZoneGroup",
    module,
    part: `${label.partPrefix}dns-zone-group`,
    stage,
    name: "default",
    id: `${id}/privateDnsZoneGroups/default`,
    dependsOn: [endpoint.key, zone.key],
    desired: {
      privateDnsZoneConfigs: [{ name: zone.name.replace(/\./g, "-"), privateDnsZoneId: zone.id }],
    },
  });
  return [endpoint, zoneGroup];
}

/** The ports the ingress serves the internet on: HTTP (redirected) and HTTPS. */
export const INGRESS_PORTS: readonly string[] = ["80", "443"];

/**
 * The nodes NSG's rule admitting the internet to the ingress's address (`address`, a fact reference to
 * the ingress IP) on {@link INGRESS_PORTS}: AKS opens its own NSG for a load balancer, never one the
 * user put on the subnet (docs/azure-facts.md#ingress-and-service-mesh).
 */
function ingressRule(address: JsonValue): JsonObject {
  return {
    name: "allow-internet-to-ingress",
    protocol: "Tcp",
    sourceAddressPrefix: "Internet",
    sourcePortRange: "*",
    destinationAddressPrefix: address,
    destinationPortRanges: [...INGRESS_PORTS],
    access: "Allow",
    priority: 200,
    direction: "Inbound",
  };
}

/** The private DNS zones other modules need: Azure Cache for Redis, Azure Managed Redis, PostgreSQL. */
export interface ZoneNeeds {
  readonly redis: boolean;
  readonly managedRedis: boolean;
  readonly postgres: boolean;
  /** A `storage` module: its blob endpoint's zone. @default false */
  readonly storage?: boolean;
}

/**
 * Plans the base module. `services` lists the private DNS zones other modules need and, with an
 * ingress, the node of its public IP (the nodes NSG admits the internet to that address).
 */
export function planNetwork(
  scope: PlanningScope,
  base: BaseModule,
  services: ZoneNeeds & { readonly ingress?: { readonly ipNodeKey: string } },
): { nodes: PlanNode[]; refs: NetworkRefs } {
  const module = base.name;
  const tags = tagsOf(scope, module);
  const location = scope.location;
  const nodes: PlanNode[] = [];
  const add = (node: PlanNode): NodeRef => {
    nodes.push(node);
    return { key: node.key, id: node.id, name: node.name };
  };
  const network = (path: readonly string[]) => armId(scope, "Microsoft.Network", path);

  const resourceGroup = add(
    makeNode({
      kind: "resourceGroup",
      module,
      part: "resource-group",
      stage: "network",
      name: scope.resourceGroup,
      id: scope.resourceGroupId,
      dependsOn: [],
      desired: { location, tags },
    }),
  );

  const vnetName = environmentResourceName(scope, "virtualNetwork", "vnet", "");
  const vnet = add(
    makeNode({
      kind: "virtualNetwork",
      module,
      part: "vnet",
      stage: "network",
      name: vnetName,
      id: network(["virtualNetworks", vnetName]),
      dependsOn: [resourceGroup.key],
      desired: { location, tags, addressSpace: { addressPrefixes: [base.vnet_cidr] } },
    }),
  );

  const ipName = environmentResourceName(scope, "publicIpAddress", "pip", "", ["nat"]);
  const publicIp = add(
    makeNode({
      kind: "publicIpAddress",
      module,
      part: "nat-ip",
      stage: "network",
      name: ipName,
      id: network(["publicIPAddresses", ipName]),
      dependsOn: [resourceGroup.key],
      desired: {
        location,
        tags,
        sku: { name: "Standard", tier: "Regional" },
        // Zone-redundant: the environment's only egress address survives a zone outage.
        zones: ["1", "2", "3"],
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
      },
    }),
  );

  const natName = environmentResourceName(scope, "natGateway", "ng", "");
  const natGateway = add(
    makeNode({
      kind: "natGateway",
      module,
      part: "nat-gateway",
      stage: "network",
      name: natName,
      id: network(["natGateways", natName]),
      dependsOn: [publicIp.key],
      desired: {
        location,
        tags,
        sku: { name: "Standard" },
        idleTimeoutInMinutes: 10,
        publicIpAddresses: [{ id: publicIp.id }],
      },
    }),
  );

  const subnet = (
    part: string,
    subnetName: string,
    cidr: string,
    extra: JsonObject,
    extraDependencies: readonly string[],
    inbound: { readonly rules: readonly JsonObject[]; readonly dependsOn: readonly string[] } = {
      rules: [],
      dependsOn: [],
    },
  ): NodeRef => {
    const nsgName = environmentResourceName(scope, "networkSecurityGroup", "nsg", "", [subnetName]);
    const nsg = add(
      makeNode({
        kind: "networkSecurityGroup",
        module,
        part: `nsg-${part}`,
        stage: "network",
        name: nsgName,
        id: network(["networkSecurityGroups", nsgName]),
        dependsOn: [resourceGroup.key, ...inbound.dependsOn],
        // Azure's default rules admit traffic from inside the VNet and deny the internet inbound.
        desired: { location, tags, securityRules: [...inbound.rules] },
      }),
    );
    return add(
      makeNode({
        kind: "subnet",
        module,
        part: `subnet-${part}`,
        stage: "network",
        name: subnetName,
        id: network(["virtualNetworks", vnet.name, "subnets", subnetName]),
        dependsOn: [vnet.key, nsg.key, ...extraDependencies],
        desired: {
          addressPrefix: cidr,
          networkSecurityGroup: { id: nsg.id },
          // Private subnets: no implicit outbound internet; egress only through the NAT gateway.
          defaultOutboundAccess: false,
          ...extra,
        },
      }),
    );
  };

  // AKS with outboundType userAssignedNATGateway fails unless the NAT gateway is already associated
  // with the node subnet (SubnetNotAssociatedWithNATGateway), so the association is part of the subnet.
  const nodesSubnet = subnet(
    "nodes",
    SUBNET_NAMES.nodes,
    base.nodes_subnet_cidr,
    { natGateway: { id: natGateway.id } },
    [natGateway.key],
    services.ingress
      ? {
          rules: [ingressRule(factOf(services.ingress.ipNodeKey, "ipAddress"))],
          dependsOn: [services.ingress.ipNodeKey],
        }
      : undefined,
  );
  const privateEndpointsSubnet = subnet(
    "private-endpoints",
    SUBNET_NAMES.privateEndpoints,
    base.private_endpoints_subnet_cidr,
    { privateEndpointNetworkPolicies: "Disabled" },
    [],
  );
  // PostgreSQL flexible server private access needs a subnet delegated to it, and nothing else in it.
  const postgresSubnet = subnet(
    "postgres",
    SUBNET_NAMES.postgres,
    base.postgres_subnet_cidr,
    { delegations: [{ name: "postgres", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }] },
    [],
  );

  /** A zone and its VNet link; `part` names their nodes (`dns-zone-<part>`, `dns-link-<part>`). */
  const zone = (part: string, zoneName: string) => {
    const zoneNode = add(
      makeNode({
        kind: "privateDnsZone",
        module,
        part: `dns-zone-${part}`,
        stage: "network",
        name: zoneName,
        id: network(["privateDnsZones", zoneName]),
        dependsOn: [resourceGroup.key],
        desired: { location: "global", tags },
      }),
    );
    const linkName = environmentResourceName(scope, "privateDnsZoneVnetLink", "link", "");
    const link = add(
      makeNode({
        kind: "privateDnsZoneVnetLink",
        module,
        part: `dns-link-${part}`,
        stage: "network",
        name: linkName,
        id: `${zoneNode.id}/virtualNetworkLinks/${linkName}`,
        dependsOn: [zoneNode.key, vnet.key],
        desired: { location: "global", tags, virtualNetwork: { id: vnet.id }, registrationEnabled: false },
      }),
    );
    return { zone: zoneNode, link };
  };
  const zones: Record<string, { zone: NodeRef; link: NodeRef }> = {
    vault: zone("vault", PRIVATE_LINK_ZONES.vault),
  };
  if (services.redis) zones.redis = zone("redis", PRIVATE_LINK_ZONES.redis);
  if (services.managedRedis) zones.managedRedis = zone("managed-redis", PRIVATE_LINK_ZONES.managedRedis);
  // Records written before the registry existed have no key: none was built.
  if (base.container_registry === true) zones.registry = zone("registry", PRIVATE_LINK_ZONES.registry);
  if (services.storage) zones.blob = zone("blob", PRIVATE_LINK_ZONES.blob);
  if (services.postgres) {
    // Flexible server private access requires a zone ending in .postgres.database.azure.com.
    const label = environmentDnsLabel(ownerOf(scope, ""));
    zones.postgres = zone("postgres", `${label}.private.postgres.database.azure.com`);
  }

  const vaultName = environmentResourceName(scope, "keyVault", "kv", "");
  const vault = add(
    makeNode({
      kind: "keyVault",
      module,
      part: "key-vault",
      stage: "network",
      name: vaultName,
      id: armId(scope, "Microsoft.KeyVault", ["vaults", vaultName]),
      dependsOn: [resourceGroup.key],
      desired: {
        location,
        tags,
        properties: {
          tenantId: scope.spec.providers.azurerm.tenant_id,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          enablePurgeProtection: true,
          // The public endpoint stays on so the provisioner can write secrets, but the firewall denies
          // everyone except the provisioner's own addresses; workloads use the private endpoint.
          publicNetworkAccess: "Enabled",
          networkAcls: {
            defaultAction: "Deny",
            bypass: "None",
            ipRules: scope.context.provisionerIpRanges.map((value) => ({ value })),
            virtualNetworkRules: [],
          },
        },
      },
    }),
  );
  nodes.push(
    ...privateEndpointNodes(
      scope,
      privateEndpointsSubnet,
      module,
      { name: "vault", partPrefix: "key-vault-" },
      vault,
      "vault",
      zones.vault!.zone,
      "network",
    ),
  );

  const roleName = deterministicGuid([
    vault.id,
    KEY_VAULT_SECRETS_OFFICER_ROLE_ID,
    scope.context.provisionerPrincipalId,
  ]);
  const vaultWriterRole = add(
    makeNode({
      kind: "roleAssignment",
      module,
      part: "role-vault-secrets-officer",
      stage: "network",
      name: roleName,
      id: `${vault.id}/providers/Microsoft.Authorization/roleAssignments/${roleName}`,
      dependsOn: [vault.key],
      desired: {
        roleDefinitionId: roleDefinitionId(scope.subscriptionId, KEY_VAULT_SECRETS_OFFICER_ROLE_ID),
        principalId: scope.context.provisionerPrincipalId,
        principalType: "ServicePrincipal",
      },
    }),
  );

  return {
    nodes,
    refs: {
      module,
      resourceGroup,
      nodesSubnet,
      privateEndpointsSubnet,
      postgresSubnet,
      vault,
      vaultWriterRole,
      zones,
    },
  };
}
