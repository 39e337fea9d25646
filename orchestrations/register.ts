/**
 * Registers the environment orchestrations with the Functions host under the contract's names.
 * Importing this module is the registration; the app's entry point imports it once.
 */
import * as df from "durable-functions";
import { buildEnvironmentOrchestrator } from "./build-environment";
import {
  BUILD_ENVIRONMENT,
  DESTROY_ENVIRONMENT,
  ENSURE_NODE_ORCHESTRATION,
  PROVISION_BATCH,
} from "./contracts";
import { destroyEnvironmentOrchestrator } from "./destroy-environment";
import { ensureNodeOrchestrator } from "./ensure-node";
import { provisionBatchOrchestrator } from "./provision-batch";

df.app.orchestration(BUILD_ENVIRONMENT, buildEnvironmentOrchestrator);
df.app.orchestration(ENSURE_NODE_ORCHESTRATION, ensureNodeOrchestrator);
df.app.orchestration(DESTROY_ENVIRONMENT, destroyEnvironmentOrchestrator);
df.app.orchestration(PROVISION_BATCH, provisionBatchOrchestrator);
