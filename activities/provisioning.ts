/**
 * The activities the orchestrations call, one per verb, over any plan node: `ensureNode`, `checkOperation`,
 * `deleteNode`; and `purgeDeletedVault` for a destroy that purges the soft-deleted Key Vault. Each dispatches by node kind to the generic ARM step or a data-plane step, and turns a
 * terminal Azure error into a returned failure so that Durable's retry (which retries every thrown
 * error) only ever sees errors Azure said are worth retrying.
 */
import type { AzureClients } from "../lib/azure/clients";
import { classifyAzureError, type AzureErrorSummary } from "../lib/azure/errors";
import type { PlanNode } from "../lib/plan/types";
import type { SecretLocation } from "../lib/secrets/vault-secrets";
import { createArmSteps, type ArmOperation, type CheckResult, type StepResult } from "./arm-step";
import { isArmNodeKind } from "./adapters/table";
import { createKeyVaultSecretsSteps, type KeyVaultSecretsResult } from "./key-vault-secrets";
import { createPurgeDeletedVaultStep, type PurgeDeletedVaultInput } from "./purge-deleted-vault";
import { createSecretPropagationSteps, type KubernetesSecretResult } from "./secret-propagation";

/** Input of `ensureNode`. */
export interface EnsureNodeInput {
  readonly node: PlanNode;
  /** For `postgresFlexibleServer` nodes: see `adminPasswordSecretFor(plan.nodes, node)`. */
  readonly adminPasswordSecret?: SecretLocation;
}

/** Input of `checkOperation`. */
export interface CheckOperationInput {
  readonly operation: ArmOperation;
}

/** Input of `deleteNode`. */
export interface DeleteNodeInput {
  readonly node: PlanNode;
}

export type { PurgeDeletedVaultInput } from "./purge-deleted-vault";

/** A terminal failure, returned rather than thrown (Azure's code and message, classified). */
export interface NodeFailure {
  readonly nodeKey: string;
  readonly outcome: "failed";
  readonly error: AzureErrorSummary;
}

/** What `ensureNode` and `deleteNode` return. */
export type NodeStepResult = StepResult | KeyVaultSecretsResult | KubernetesSecretResult | NodeFailure;

/** What `checkOperation` returns (a failed operation is a `CheckResult` with `state: "failed"`). */
export type OperationCheckResult = CheckResult;

/**
 * Runs `step`; a terminal Azure error becomes a {@link NodeFailure}, a retryable one is thrown
 * (classified, its wire form in the message) for the caller's retry profile.
 */
async function settle<T>(nodeKey: string, target: string, step: () => Promise<T>): Promise<T | NodeFailure> {
  try {
    return await step();
  } catch (error) {
    const classified = classifyAzureError(error, target);
    if (classified.retryable) throw classified;
    return { nodeKey, outcome: "failed", error: classified.toSummary() };
  }
}

/** The provisioning activities over `clients` (tests pass emulator-backed clients). */
export function createProvisioningActivities(clients: AzureClients) {
  const arm = createArmSteps(clients);
  const vaultSecrets = createKeyVaultSecretsSteps(clients);
  const propagation = createSecretPropagationSteps(clients);
  const deletedVaults = createPurgeDeletedVaultStep(clients);

  return {
    /** Makes one node exist as planned; returns at once with an operation to check when Azure is still working. */
    ensureNode(input: EnsureNodeInput): Promise<NodeStepResult> {
      const { node } = input;
      return settle(node.key, node.id, async () => {
        if (isArmNodeKind(node.kind))
          return arm.ensure(node, { adminPasswordSecret: input.adminPasswordSecret });
        if (node.kind === "keyVaultSecrets") return vaultSecrets.ensure(node);
        return propagation.ensure(node);
      });
    },
    /** One status check of an operation `ensureNode` or `deleteNode` started. */
    async checkOperation(input: CheckOperationInput): Promise<OperationCheckResult> {
      // Failures of the operation come back as `state: "failed"`. A check that cannot succeed later
      // (e.g. access to the resource was revoked) ends the watch the same way; retryable ones throw.
      try {
        return await arm.check(input.operation);
      } catch (error) {
        const classified = classifyAzureError(error, input.operation.resourceId);
        if (classified.retryable) throw classified;
        return { nodeKey: input.operation.nodeKey, state: "failed", error: classified.toSummary() };
      }
    },
    /** Removes one node; absent is success. Key Vault secrets go with their vault. */
    deleteNode(input: DeleteNodeInput): Promise<NodeStepResult> {
      const { node } = input;
      return settle(node.key, node.id, async (): Promise<NodeStepResult> => {
        if (isArmNodeKind(node.kind)) return arm.remove(node);
        if (node.kind === "kubernetesSecret") return propagation.remove(node);
        return { nodeKey: node.key, outcome: "succeeded", secrets: [] };
      });
    },
    /**
     * Purges the soft-deleted vault of a `keyVault` node (absent is success); `pending` hands the purge to
     * `checkOperation`. Purge protection forbidding it comes back as a failure of kind `invalidRequest`.
     */
    purgeDeletedVault(input: PurgeDeletedVaultInput): Promise<StepResult | NodeFailure> {
      return settle(input.node.key, input.node.id, () => deletedVaults.purge(input));
    },
  };
}

/** The provisioning activities, as {@link createProvisioningActivities} builds them. */
export type ProvisioningActivities = ReturnType<typeof createProvisioningActivities>;
