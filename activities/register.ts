/**
 * Registers the provisioning activities with Durable Functions under the contract's names, wiring real
 * clients from configuration. Clients are built on first use, so loading the app never fails on
 * settings an activity does not need yet (a bad setting fails the first activity with its message).
 */
import * as df from "durable-functions";
import { createAzureClients, type AzureClients } from "../lib/azure/clients";
import { loadConfig } from "../lib/config";
import {
  ACTIVITY,
  type CheckOperationInput,
  type DeleteNodeInput,
  type EnsureNodeInput,
  type PurgeDeletedVaultInput,
} from "./contract";
import { createProvisioningActivities, type ProvisioningActivities } from "./provisioning";

/** The part of `df.app` registration uses (tests and the devhost pass their own). */
export type ActivityRegistrar = Pick<typeof df.app, "activity">;

/**
 * Registers the activities.
 * @param registrar - @default df.app
 * @param clients - builds the clients on first use @default from `loadConfig()` (process environment)
 */
export function registerProvisioningActivities(
  registrar: ActivityRegistrar = df.app,
  clients: () => AzureClients = () => createAzureClients(loadConfig()),
): void {
  let activities: ProvisioningActivities | undefined;
  const get = () => (activities ??= createProvisioningActivities(clients()));
  registrar.activity(ACTIVITY.ensureNode, {
    handler: (input: unknown) => get().ensureNode(input as EnsureNodeInput),
  });
  registrar.activity(ACTIVITY.checkOperation, {
    handler: (input: unknown) => get().checkOperation(input as CheckOperationInput),
  });
  registrar.activity(ACTIVITY.deleteNode, {
    handler: (input: unknown) => get().deleteNode(input as DeleteNodeInput),
  });
  registrar.activity(ACTIVITY.purgeDeletedVault, {
    handler: (input: unknown) => get().purgeDeletedVault(input as PurgeDeletedVaultInput),
  });
}
