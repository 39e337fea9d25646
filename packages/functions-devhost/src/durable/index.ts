export { AzureStorageDurableEngine, type DurableEngineOptions } from "./engine";
export { realClock, scaledClock, type Clock } from "./clock";
export { retryDelayMs } from "./retry";
export { isDurableEngineError, type DurableEngineError, type DurableErrorKind } from "./errors";
export { createManagementHandler, type ManagementApiOptions, type ManagementHandler } from "./management-api";
export {
  durableClientBinding,
  WEBHOOK_BASE_PATH,
  type DurableClientBinding,
  type DurableClientBindingOptions,
} from "./client-binding";
