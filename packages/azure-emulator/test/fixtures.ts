/**
 * SDK clients and request bodies shared by the emulator tests: a private environment's resources, as
 * the provisioner builds them.
 */
import { ResourceManagementClient } from "@azure/arm-resources";
import { NetworkManagementClient } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { RedisManagementClient } from "@azure/arm-rediscache";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { DnsManagementClient } from "@azure/arm-dns";
import type { RunningEmulator } from "../src/index.js";
import { clientOptions, credential, SUBSCRIPTION_ID, TENANT_ID } from "./harness.js";

/** Every ARM client, pointed at the emulator. */
export function armClients(emulator: RunningEmulator) {
  const options = clientOptions(emulator);
  return {
    resources: new ResourceManagementClient(credential, SUBSCRIPTION_ID, options),
    network: new NetworkManagementClient(credential, SUBSCRIPTION_ID, options),
    privateDns: new PrivateDnsManagementClient(credential, SUBSCRIPTION_ID, options),
    aks: new ContainerServiceClient(credential, SUBSCRIPTION_ID, options),
    postgres: new PostgreSQLManagementFlexibleServerClient(credential, SUBSCRIPTION_ID, options),
    redis: new RedisManagementClient(credential, SUBSCRIPTION_ID, options),
    keyVault: new KeyVaultManagementClient(credential, SUBSCRIPTION_ID, options),
    authorization: new AuthorizationManagementClient(credential, SUBSCRIPTION_ID, options),
    dns: new DnsManagementClient(credential, SUBSCRIPTION_ID, options),
  };
}

export type ArmClients = ReturnType<typeof armClients>;

export const LOCATION = "eastus";

/** `/subscriptions/<s>/resourceGroups/<rg>/providers/<rest>` */
export const resourceId = (rg: string, rest: string): string =>
  `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${rg}/providers/${rest}`;

export const subnetId = (rg: string, vnet: string, subnet: string): string =>
  resourceId(rg, `Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`);

export const vaultBody = (extra: Record<string, unknown> = {}) => ({
  location: LOCATION,
  properties: {
    tenantId: TENANT_ID,
    sku: { family: "A" as const, name: "standard" as const },
    enableRbacAuthorization: true,
    ...extra,
  },
});

export const redisBody = {
  location: LOCATION,
  sku: { name: "Standard" as const, family: "C" as const, capacity: 2 },
  enableNonSslPort: false,
  minimumTlsVersion: "1.2" as const,
};

/** Polling options for modular (containerservice, keyvault) and HLC pollers alike. */
export const poll = { updateIntervalInMs: 20 };
