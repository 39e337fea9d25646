export { AzureStorageDurableEngine, type DurableEngineOptions } from "./engine";
export { realClock, scaledClock, type Clock } from "./clock";
export { retryDelayMs } from "./retry";
export { isDurableEngineError, type DurableEngineError, type DurableErrorKind } from "./errors";
