/**
 * Registers the provisioning activities with Durable Functions under exported names, wiring real
 * clients from configuration. Clients are built on first use, so loading the app never fails on
 * settings an activity does not need yet (a bad setting fails the first activity with its message).
 */
import * as df from "durable-functions";
import { createAzureClients, type AzureClients } from "../lib/azure/clients";
import { loadConfig } from "../lib/config";
import {
  createProvisioningActivities,
  type CheckOperationInput,
  type DeleteNodeInput,
  type EnsureNodeInput,
  type ProvisioningActivities,
  type PurgeDeletedVaultInput,
} from "./provisioning";

/** Activity names; orchestrations call activities by these constants only. */
export const ENSURE_NODE_ACTIVITY = "ensureNode";
export const CHECK_OPERATION_ACTIVITY = "checkOperation";
export const DELETE_NODE_ACTIVITY = "deleteNode";
/** Purges a destroyed environment's soft-deleted Key Vault (input: the plan's `keyVault` node). */
export const PURGE_DELETED_VAULT_ACTIVITY = "purgeDeletedVault";

/** Every provisioning activity name. */
export const PROVISIONING_ACTIVITY_NAMES = [
  ENSURE_NODE_ACTIVITY,
  CHECK_OPERATION_ACTIVITY,
  DELETE_NODE_ACTIVITY,
  PURGE_DELETED_VAULT_ACTIVITY,
] as const;

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
  registrar.activity(ENSURE_NODE_ACTIVITY, {
    handler: (input: unknown) => get().ensureNode(input as EnsureNodeInput),
  });
  registrar.activity(CHECK_OPERATION_ACTIVITY, {
    handler: (input: unknown) => get().checkOperation(input as CheckOperationInput),
  });
  registrar.activity(DELETE_NODE_ACTIVITY, {
    handler: (input: unknown) => get().deleteNode(input as DeleteNodeInput),
  });
  registrar.activity(PURGE_DELETED_VAULT_ACTIVITY, {
    handler: (input: unknown) => get().purgeDeletedVault(input as PurgeDeletedVaultInput),
  });
}
