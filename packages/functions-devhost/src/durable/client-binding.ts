/**
 * The durable client binding payload the Functions host injects into functions with a durable client
 * input: `df.getClient(context)` reads it, and with `rpcBaseUrl` set every client call goes over HTTP to
 * the management API. `createCheckStatusResponse` builds its URLs from `managementUrls`.
 */

/** Where the public Durable HTTP API lives on the host, as on the real Functions host. */
export const WEBHOOK_BASE_PATH = "/runtime/webhooks/durabletask";
/** The placeholder for the instance id in `managementUrls`, as the real host writes it. */
export const INSTANCE_ID_PLACEHOLDER = "INSTANCEID";

/** Options of {@link durableClientBinding}. */
export interface DurableClientBindingOptions {
  readonly taskHubName: string;
  /** Origin of the host's public URLs, e.g. `http://127.0.0.1:7071`. */
  readonly origin: string;
  /** Absolute URL of the management API's RPC routes; a trailing `/` is added if missing. */
  readonly rpcBaseUrl: string;
  /** Key required by the public webhook routes (`code=`). @default - none: the URLs carry no key */
  readonly systemKey?: string;
  /** Storage connection setting name shown in the URLs. @default "Storage" */
  readonly connectionName?: string;
}

/** The payload as `durable-functions` 3.x expects it (`OrchestrationClientInputData`). */
export interface DurableClientBinding {
  readonly taskHubName: string;
  readonly creationUrls: {
    readonly createNewInstancePostUri: string;
    readonly createAndWaitOnNewInstancePostUri: string;
  };
  readonly managementUrls: Readonly<Record<string, string>>;
  readonly baseUrl: string;
  readonly requiredQueryStringParameters: string;
  readonly rpcBaseUrl: string;
}

/** Builds the payload for one host (same shape and URL templates as the real host's). */
export function durableClientBinding(options: DurableClientBindingOptions): DurableClientBinding {
  const origin = options.origin.replace(/\/+$/, "");
  const baseUrl = `${origin}${WEBHOOK_BASE_PATH}`;
  const query = [
    `taskHub=${encodeURIComponent(options.taskHubName)}`,
    `connection=${encodeURIComponent(options.connectionName ?? "Storage")}`,
    ...(options.systemKey ? [`code=${encodeURIComponent(options.systemKey)}`] : []),
  ].join("&");
  const instance = `${baseUrl}/instances/${INSTANCE_ID_PLACEHOLDER}`;
  return {
    taskHubName: options.taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${baseUrl}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      createAndWaitOnNewInstancePostUri: `${baseUrl}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: {
      id: INSTANCE_ID_PLACEHOLDER,
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    },
    baseUrl,
    requiredQueryStringParameters: query,
    rpcBaseUrl: options.rpcBaseUrl.endsWith("/") ? options.rpcBaseUrl : `${options.rpcBaseUrl}/`,
  };
}
