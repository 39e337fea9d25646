/** Request and response definitions of the ARM types the emulator serves, and how bodies are read against them. */
export * from "./schema.js";
export * from "./check.js";
export { AKS_SCHEMAS } from "./definitions/containerservice.js";
export { AUTHORIZATION_SCHEMAS } from "./definitions/authorization.js";
export { KEY_VAULT_SCHEMAS } from "./definitions/keyvault.js";
export { NETWORK_SCHEMAS } from "./definitions/network.js";
export { POSTGRES_SCHEMAS } from "./definitions/postgres.js";
export { PRIVATE_DNS_SCHEMAS } from "./definitions/private-dns.js";
export { REDIS_SCHEMAS } from "./definitions/redis.js";
export { RESOURCES_SCHEMAS } from "./definitions/resources.js";
export { REDIS_ENTERPRISE_SCHEMAS } from "./definitions/redis-enterprise.js";
export { CONTAINER_REGISTRY_SCHEMAS } from "./definitions/containerregistry.js";
export { STORAGE_SCHEMAS } from "./definitions/storage.js";
export { MSI_SCHEMAS } from "./definitions/msi.js";
