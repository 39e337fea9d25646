/**
 * @azure-env-provisioner/functions-devhost: a local Azure Functions host for `@azure/functions` v4 +
 * `durable-functions` 3.x apps, with durable state in Azure Storage, and the Azurite it runs on. Start it
 * in-process with {@link startDevhost}, as a child process with {@link spawnDevhost}, or run the command
 * (`main.js`). This entry is the package's whole public surface: code outside the package imports
 * nothing else.
 */
export { startDevhost, type DevhostOptions, type RunningDevhost } from "./main";
export { DEVHOST_V8_FLAGS, spawnDevhost, type DevhostChild, type SpawnDevhostOptions } from "./child-process";
export { findAppRoot } from "./app-root";
export { readHostSettings, readLocalSettings, type HostSettings, type LocalSettings } from "./settings";
export { loadFunctionApp, isRegistrationError, type RegistrationError } from "./registry";
export type {
  BindingMetadata,
  CapturedFunction,
  FunctionRegistry,
  InstanceStatus,
  RuntimeStatus,
} from "./contracts";
export { AzureStorageDurableEngine, scaledClock, type Clock, type DurableEngineOptions } from "./durable";
export {
  startAzurite,
  developmentConnectionString,
  DEVELOPMENT_ACCOUNT,
  type AzuriteOptions,
  type RunningAzurite,
} from "./azurite";
export { findFreePort } from "./free-port";
export { ENGINE_STATS_PATH } from "./durable-front";
export type { EngineReport } from "./durable/engine-context";
