export { AzureStorageDurableEngine, type DurableEngineOptions } from "./engine";
export { continuedAnchor, realClock, scaledClock, type Clock, type ClockAnchor } from "./clock";
export { hubClock } from "./hub-clock";
export { retryDelayMs } from "./retry";
export { isDurableEngineError, type DurableEngineError, type DurableErrorKind } from "./errors";
export { createManagementHandler, type ManagementApiOptions, type ManagementHandler } from "./management-api";
export {
  durableClientBinding,
  WEBHOOK_BASE_PATH,
  type DurableClientBinding,
  type DurableClientBindingOptions,
} from "./client-binding";
