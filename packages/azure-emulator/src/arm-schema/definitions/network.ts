/**
 * Microsoft.Network 2025-05-01 (`network/resource-manager/Microsoft.Network/stable/2025-05-01/`):
 * virtualNetwork.json (VNets, subnets), networkSecurityGroup.json, publicIpAddress.json, natGateway.json,
 * privateEndpoint.json (private endpoints and their DNS zone groups; read at 2025-03-01, the newest
 * version of that file the index held), network.json (Resource, SubResource, ExtendedLocation, TagsObject).
 * Members typed as another file's full model (a subnet's `routeTable`, a rule's application security
 * groups) are {@link untranscribed}: the network provider takes them by `id`.
 */
import {
  arr,
  bool,
  int,
  lazy,
  map,
  obj,
  ro,
  req,
  str,
  type ApiVersionSchema,
  type ObjectSchema,
} from "../schema.js";
import { subResource, untranscribed } from "./common.js";

export const NETWORK_API_VERSION = "2025-05-01";
const SOURCE = "network/resource-manager/Microsoft.Network/stable/2025-05-01";

/** network.json `Resource`: unlike ARM's common type, `id` is writable and there is no systemData. */
const networkResource = {
  id: str,
  name: ro(str),
  type: ro(str),
  location: str,
  tags: map(str),
} as const;
const extendedLocation = obj("ExtendedLocation", { name: str, type: str });
const provisioningState = ro(str);
const etag = ro(str);

/** network.json `TagsObject`: the body of every network `updateTags` (PATCH). */
const tagsObject = obj("TagsObject", { tags: map(str) });

const securityRule = obj("SecurityRule", {
  id: str,
  name: str,
  etag,
  type: str,
  properties: obj("SecurityRulePropertiesFormat", {
    description: str,
    protocol: req(str),
    sourcePortRange: str,
    destinationPortRange: str,
    sourceAddressPrefix: str,
    sourceAddressPrefixes: arr(str),
    sourceApplicationSecurityGroups: arr(untranscribed),
    destinationAddressPrefix: str,
    destinationAddressPrefixes: arr(str),
    destinationApplicationSecurityGroups: arr(untranscribed),
    sourcePortRanges: arr(str),
    destinationPortRanges: arr(str),
    access: req(str),
    priority: req(int),
    direction: req(str),
    provisioningState,
  }),
});

export const networkSecurityGroup: ObjectSchema = obj("NetworkSecurityGroup", {
  ...networkResource,
  etag,
  properties: obj("NetworkSecurityGroupPropertiesFormat", {
    flushConnection: bool,
    securityRules: arr(securityRule),
    defaultSecurityRules: ro(arr(securityRule)),
    networkInterfaces: ro(arr(untranscribed)),
    subnets: ro(arr(lazy(() => subnet))),
    flowLogs: ro(arr(untranscribed)),
    resourceGuid: ro(str),
    provisioningState,
  }),
});

const ipamPoolPrefixAllocation = obj("IpamPoolPrefixAllocation", {
  numberOfIpAddresses: str,
  allocatedAddressPrefixes: ro(arr(str)),
  pool: obj("IpamPoolPrefixAllocationPool", { id: str }),
});

const delegation = obj("Delegation", {
  id: str,
  name: str,
  etag,
  type: str,
  properties: obj("ServiceDelegationPropertiesFormat", {
    serviceName: str,
    actions: ro(arr(str)),
    provisioningState,
  }),
});

const linkProperties = {
  linkedResourceType: str,
  link: str,
  provisioningState,
} as const;

export const subnet: ObjectSchema = obj("Subnet", {
  id: str,
  name: str,
  etag,
  type: str,
  properties: obj("SubnetPropertiesFormat", {
    addressPrefix: str,
    addressPrefixes: arr(str),
    networkSecurityGroup: lazy(() => networkSecurityGroup),
    routeTable: untranscribed,
    natGateway: subResource,
    serviceEndpoints: arr(
      obj("ServiceEndpointPropertiesFormat", {
        service: str,
        networkIdentifier: subResource,
        locations: arr(str),
        provisioningState,
      }),
    ),
    serviceEndpointPolicies: arr(untranscribed),
    privateEndpoints: ro(arr(lazy(() => privateEndpoint))),
    ipConfigurations: ro(arr(untranscribed)),
    ipConfigurationProfiles: ro(arr(untranscribed)),
    ipAllocations: arr(subResource),
    resourceNavigationLinks: ro(
      arr(
        obj("ResourceNavigationLink", {
          id: ro(str),
          name: str,
          etag,
          type: ro(str),
          properties: obj("ResourceNavigationLinkFormat", linkProperties),
        }),
      ),
    ),
    serviceAssociationLinks: ro(
      arr(
        obj("ServiceAssociationLink", {
          id: str,
          name: str,
          etag,
          type: ro(str),
          properties: obj("ServiceAssociationLinkPropertiesFormat", {
            ...linkProperties,
            allowDelete: bool,
            locations: arr(str),
          }),
        }),
      ),
    ),
    delegations: arr(delegation),
    purpose: ro(str),
    provisioningState,
    privateEndpointNetworkPolicies: str,
    privateLinkServiceNetworkPolicies: str,
    applicationGatewayIPConfigurations: arr(untranscribed),
    sharingScope: str,
    defaultOutboundAccess: bool,
    ipamPoolPrefixAllocations: arr(ipamPoolPrefixAllocation),
    ServiceGateway: untranscribed,
  }),
});

const addressSpace = obj("AddressSpace", {
  addressPrefixes: arr(str),
  ipamPoolPrefixAllocations: arr(ipamPoolPrefixAllocation),
});

export const virtualNetwork: ObjectSchema = obj("VirtualNetwork", {
  ...networkResource,
  extendedLocation,
  etag,
  properties: obj("VirtualNetworkPropertiesFormat", {
    addressSpace,
    dhcpOptions: obj("DhcpOptions", { dnsServers: arr(str) }),
    flowTimeoutInMinutes: int,
    subnets: arr(subnet),
    virtualNetworkPeerings: arr(untranscribed),
    resourceGuid: ro(str),
    provisioningState,
    enableDdosProtection: bool,
    enableVmProtection: bool,
    ddosProtectionPlan: subResource,
    bgpCommunities: obj("VirtualNetworkBgpCommunities", {
      virtualNetworkCommunity: req(str),
      regionalCommunity: ro(str),
    }),
    encryption: obj("VirtualNetworkEncryption", { enabled: req(bool), enforcement: str }),
    ipAllocations: arr(subResource),
    flowLogs: ro(arr(untranscribed)),
    privateEndpointVNetPolicies: str,
    defaultPublicNatGateway: ro(subResource),
  }),
});

export const publicIpAddress: ObjectSchema = obj("PublicIPAddress", {
  ...networkResource,
  extendedLocation,
  sku: obj("PublicIPAddressSku", { name: str, tier: str }),
  etag,
  zones: arr(str),
  properties: obj("PublicIPAddressPropertiesFormat", {
    publicIPAllocationMethod: str,
    publicIPAddressVersion: str,
    ipConfiguration: ro(untranscribed),
    dnsSettings: obj("PublicIPAddressDnsSettings", {
      domainNameLabel: str,
      domainNameLabelScope: str,
      fqdn: str,
      reverseFqdn: str,
    }),
    ddosSettings: obj("DdosSettings", { protectionMode: str, ddosProtectionPlan: subResource }),
    ipTags: arr(obj("IpTag", { ipTagType: str, tag: str })),
    ipAddress: str,
    publicIPPrefix: subResource,
    idleTimeoutInMinutes: int,
    resourceGuid: ro(str),
    provisioningState,
    servicePublicIPAddress: lazy(() => publicIpAddress),
    natGateway: lazy(() => natGateway),
    migrationPhase: str,
    linkedPublicIPAddress: lazy(() => publicIpAddress),
    deleteOption: str,
  }),
});

export const natGateway: ObjectSchema = obj("NatGateway", {
  ...networkResource,
  sku: obj("NatGatewaySku", { name: str }),
  zones: arr(str),
  etag,
  properties: obj("NatGatewayPropertiesFormat", {
    idleTimeoutInMinutes: int,
    publicIpAddresses: arr(subResource),
    publicIpAddressesV6: arr(subResource),
    publicIpPrefixes: arr(subResource),
    publicIpPrefixesV6: arr(subResource),
    subnets: ro(arr(subResource)),
    sourceVirtualNetwork: subResource,
    resourceGuid: ro(str),
    provisioningState,
  }),
});

const privateLinkServiceConnection = obj("PrivateLinkServiceConnection", {
  id: str,
  name: str,
  type: ro(str),
  etag,
  properties: obj("PrivateLinkServiceConnectionProperties", {
    provisioningState,
    privateLinkServiceId: str,
    groupIds: arr(str),
    requestMessage: str,
    privateLinkServiceConnectionState: obj("PrivateLinkServiceConnectionState", {
      status: str,
      description: str,
      actionsRequired: str,
    }),
  }),
});

export const privateEndpoint: ObjectSchema = obj("PrivateEndpoint", {
  ...networkResource,
  extendedLocation,
  etag,
  properties: obj("PrivateEndpointProperties", {
    subnet: lazy(() => subnet),
    networkInterfaces: ro(arr(untranscribed)),
    provisioningState,
    privateLinkServiceConnections: arr(privateLinkServiceConnection),
    manualPrivateLinkServiceConnections: arr(privateLinkServiceConnection),
    customDnsConfigs: arr(obj("CustomDnsConfigPropertiesFormat", { fqdn: str, ipAddresses: arr(str) })),
    applicationSecurityGroups: arr(untranscribed),
    ipConfigurations: arr(
      obj("PrivateEndpointIPConfiguration", {
        name: str,
        type: ro(str),
        etag,
        properties: obj("PrivateEndpointIPConfigurationProperties", {
          groupId: str,
          memberName: str,
          privateIPAddress: str,
        }),
      }),
    ),
    customNetworkInterfaceName: str,
  }),
});

export const privateDnsZoneGroup: ObjectSchema = obj("PrivateDnsZoneGroup", {
  id: str,
  name: str,
  etag,
  properties: obj("PrivateDnsZoneGroupPropertiesFormat", {
    provisioningState,
    privateDnsZoneConfigs: arr(
      obj("PrivateDnsZoneConfig", {
        name: str,
        properties: obj("PrivateDnsZonePropertiesFormat", {
          privateDnsZoneId: str,
          recordSets: ro(
            arr(
              obj("RecordSet", {
                recordType: str,
                recordSetName: str,
                fqdn: str,
                provisioningState,
                ttl: int,
                ipAddresses: arr(str),
              }),
            ),
          ),
        }),
      }),
    ),
  }),
});

/** One network type at the product's api-version; tracked types patch tags only. */
function networkSchema(resource: ObjectSchema, file: string, patch?: ObjectSchema): ApiVersionSchema {
  return {
    apiVersion: NETWORK_API_VERSION,
    resource,
    ...(patch ? { patch } : {}),
    source: `${SOURCE}/${file}`,
  };
}

export const NETWORK_SCHEMAS = {
  virtualNetwork: networkSchema(virtualNetwork, "virtualNetwork.json", tagsObject),
  subnet: networkSchema(subnet, "virtualNetwork.json"),
  networkSecurityGroup: networkSchema(networkSecurityGroup, "networkSecurityGroup.json", tagsObject),
  publicIpAddress: networkSchema(publicIpAddress, "publicIpAddress.json", tagsObject),
  natGateway: networkSchema(natGateway, "natGateway.json", tagsObject),
  privateEndpoint: {
    ...networkSchema(privateEndpoint, "privateEndpoint.json", tagsObject),
    source:
      "network/resource-manager/Microsoft.Network/stable/2025-03-01/privateEndpoint.json (read for 2025-05-01)",
  },
  privateDnsZoneGroup: {
    ...networkSchema(privateDnsZoneGroup, "privateEndpoint.json"),
    source:
      "network/resource-manager/Microsoft.Network/stable/2025-03-01/privateEndpoint.json (read for 2025-05-01)",
  },
} as const satisfies Record<string, ApiVersionSchema>;
