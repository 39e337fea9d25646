/**
 * The queue trigger on `environment-requests`: hands each message to {@link handleEnvironmentRequest}
 * with the message id as the request id.
 */
import { app, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { appContext } from "./app-context";
import { batchBlobReader } from "./batch-blob";
import { orchestrationClientOf } from "./durable-port";
import { createEnvironmentService } from "./environment-service";
import { ENVIRONMENT_REQUESTS_QUEUE, handleEnvironmentRequest } from "./queue-requests";
import { recordOperationEnded } from "./audit-trail";
import { loadQueueOrgs } from "./auth/settings";

/** Function name of the queue trigger. */
export const ENVIRONMENT_REQUESTS_FUNCTION = "environmentRequests";

app.storageQueue(ENVIRONMENT_REQUESTS_FUNCTION, {
  queueName: ENVIRONMENT_REQUESTS_QUEUE,
  connection: "AzureWebJobsStorage",
  extraInputs: [df.input.durableClient()],
  handler: async (message: unknown, context: InvocationContext): Promise<void> => {
    const shared = await appContext();
    const orchestrations = orchestrationClientOf(df.getClient(context));
    const requestId = String(context.triggerMetadata?.id ?? context.invocationId);
    const results = await handleEnvironmentRequest(message, requestId, {
      service: createEnvironmentService({
        records: shared.records,
        orchestrations,
        plan: shared.plan,
        operationEnded: recordOperationEnded(shared.audit, context),
      }),
      orchestrations,
      results: shared.requestResults,
      subscriptionId: shared.config.subscriptionId,
      maxConcurrentBuilds: shared.maxConcurrentBuilds,
      readBatchBlob: batchBlobReader(),
      // A bad PROVISIONER_QUEUE_ORGS throws: the message is retried, then poisoned, never run unchecked.
      queueOrgs: loadQueueOrgs(),
      audit: shared.audit,
      log: context,
    });
    const counts = results.map(
      (result) => `${result.environmentId ?? `#${result.index}`}: ${result.outcome}`,
    );
    context.log(`request ${requestId}: ${counts.join(", ")}`);
  },
});
