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
import { applyTargetOf } from "./preflight";
import {
  ENVIRONMENT_REQUESTS_QUEUE,
  handleEnvironmentRequest,
  isPreflightDeferredError,
} from "./queue-requests";
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
    let results;
    try {
      results = await handleEnvironmentRequest(message, requestId, {
        service: createEnvironmentService({
          records: shared.records,
          orchestrations,
          plan: shared.plan,
          operationEnded: recordOperationEnded(shared.audit, context),
        }),
        orchestrations,
        results: shared.requestResults,
        subscriptionIds: shared.config.subscriptionIds,
        maxConcurrentBuilds: shared.maxConcurrentBuilds,
        readBatchBlob: batchBlobReader(),
        preflight: async (spec, modulePaths) => {
          // Preflight what the claim will build: the engines the environment's record pins.
          const stored = await shared.records.get(`${spec.org_name}-${spec.name}`);
          const target = applyTargetOf(spec, stored?.record.spec, shared.plan, modulePaths);
          return target ? (await shared.preflight(target)).report : undefined;
        },
        // A bad PROVISIONER_QUEUE_ORGS throws: the message is retried, then poisoned, never run unchecked.
        queueOrgs: loadQueueOrgs(),
        audit: shared.audit,
        log: context,
      });
    } catch (error) {
      // Thrown on purpose: the host redelivers the message after its visibility timeout (host.json).
      if (isPreflightDeferredError(error)) context.warn(error.message);
      throw error;
    }
    const counts = results.map(
      (result) => `${result.environmentId ?? `#${result.index}`}: ${result.outcome}`,
    );
    context.log(`request ${requestId}: ${counts.join(", ")}`);
  },
});
