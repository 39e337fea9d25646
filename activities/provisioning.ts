/**
 * The activities the orchestrations call, one per verb, over any plan node (`contract.ts` names them
 * and their shapes). Each dispatches by node kind to the generic ARM step or a data-plane step, and
 * turns every Azure failure into a value: `retry` when Azure said the same call may succeed later,
 * `failed` when it never will. Nothing Azure answers is thrown across the Durable boundary.
 */
import { subscriptionOfId, type AzureClients } from "../lib/azure/clients";
import { classifyAzureError } from "../lib/azure/errors";
import { createArmSteps } from "./arm-step";
import { isArmNodeKind } from "./adapters/table";
import type {
  ActivityFailure,
  ActivityResult,
  CheckOperationInput,
  DeleteNodeInput,
  EnsureNodeInput,
  OperationCheck,
  PurgeDeletedVaultInput,
  WriteResult,
} from "./contract";
import { createKeyVaultSecretsSteps } from "./key-vault-secrets";
import { createPurgeDeletedVaultStep } from "./purge-deleted-vault";
import { createSecretPropagationSteps } from "./secret-propagation";

/** The failure value of anything a step threw, classified once, here, at the client boundary. */
export function failureOf(error: unknown, target: string): ActivityFailure {
  const classified = classifyAzureError(error, target);
  return { outcome: classified.retryable ? "retry" : "failed", error: classified.toSummary() };
}

/** Runs `step`; whatever Azure answered becomes a value. */
async function settle<T>(target: string, step: () => Promise<T>): Promise<ActivityResult<T>> {
  try {
    return await step();
  } catch (error) {
    return failureOf(error, target);
  }
}

/**
 * The provisioning activities over `clients` (tests pass emulator-backed clients). Each call works in the
 * subscription its node's (or operation's) ARM id names — the plan's — with that subscription's clients
 * (`clients.forSubscription`, built once and kept); a subscription off the allow-list fails the call with
 * `SubscriptionNotAllowed` before any request.
 */
export function createProvisioningActivities(clients: AzureClients) {
  const stepsBySubscription = new Map<string, ReturnType<typeof stepsOf>>();
  const stepsOf = (subscriptionClients: AzureClients) => ({
    arm: createArmSteps(subscriptionClients),
    vaultSecrets: createKeyVaultSecretsSteps(subscriptionClients),
    propagation: createSecretPropagationSteps(subscriptionClients),
    deletedVaults: createPurgeDeletedVaultStep(subscriptionClients),
  });
  /** The steps for the subscription of `id` (ids without one are the default subscription's). */
  const stepsFor = (id: string) => {
    const subscription = subscriptionOfId(id) ?? clients.subscriptionId;
    let steps = stepsBySubscription.get(subscription);
    if (!steps) {
      steps = stepsOf(clients.forSubscription(subscription));
      stepsBySubscription.set(subscription, steps);
    }
    return steps;
  };

  return {
    /** Makes one node exist as planned; returns at once with an operation to check when Azure is still working. */
    ensureNode(input: EnsureNodeInput): Promise<ActivityResult<WriteResult>> {
      const { node } = input;
      return settle(node.id, async () => {
        const { arm, vaultSecrets, propagation } = stepsFor(node.id);
        if (isArmNodeKind(node.kind))
          return arm.ensure(node, { adminPasswordSecret: input.adminPasswordSecret });
        if (node.kind === "keyVaultSecrets") return vaultSecrets.ensure(node);
        return propagation.ensure(node);
      });
    },
    /**
     * One status check of an operation `ensureNode`, `deleteNode` or `purgeDeletedVault` started. The
     * operation ending Failed is a check result (`operationFailed`), not a failure of the check.
     */
    checkOperation(input: CheckOperationInput): Promise<ActivityResult<OperationCheck>> {
      return settle(input.operation.resourceId, () =>
        stepsFor(input.operation.resourceId).arm.check(input.operation),
      );
    },
    /** Removes one node; absent is success. Key Vault secrets go with their vault. */
    deleteNode(input: DeleteNodeInput): Promise<ActivityResult<WriteResult>> {
      const { node } = input;
      return settle(node.id, async (): Promise<WriteResult> => {
        const { arm, propagation } = stepsFor(node.id);
        if (isArmNodeKind(node.kind)) return arm.remove(node);
        if (node.kind === "kubernetesSecret") return propagation.remove(node);
        return { nodeKey: node.key, resourceId: node.id, outcome: "succeeded", action: "none" };
      });
    },
    /**
     * Purges the soft-deleted vault of a `keyVault` node (absent is success); `pending` hands the purge
     * to `checkOperation`. Purge protection forbidding it is a `failed` of kind `invalidRequest`.
     */
    purgeDeletedVault(input: PurgeDeletedVaultInput): Promise<ActivityResult<WriteResult>> {
      return settle(input.node.id, () => stepsFor(input.node.id).deletedVaults.purge(input));
    },
  };
}

/** The provisioning activities, as {@link createProvisioningActivities} builds them. */
export type ProvisioningActivities = ReturnType<typeof createProvisioningActivities>;
