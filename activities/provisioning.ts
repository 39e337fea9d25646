/**
 * The activities the orchestrations call, one per verb, over any plan node (`contract.ts` names them
 * and their shapes). Each dispatches by node kind to the generic ARM step or a data-plane step, and
 * turns every Azure failure into a value: `retry` when Azure said the same call may succeed later,
 * `failed` when it never will. Nothing Azure answers is thrown across the Durable boundary.
 */
import { subscriptionOfId, type AzureClients } from "../lib/azure/clients";
import { classifyAzureError } from "../lib/azure/errors";
import { withWritePriority } from "../lib/azure/write-priority";
import { createArmSteps } from "./arm-step";
import { isArmNodeKind } from "./adapters/table";
import type {
  ActivityFailure,
  ActivityResult,
  CheckOperationInput,
  DeleteNodeInput,
  EnsureNodeInput,
  EnsureResult,
  OperationCheck,
  PurgeDeletedVaultInput,
  WriteResult,
} from "./contract";
import { AzureError } from "../lib/azure/errors";
import { resolveFacts } from "../lib/plan/facts";
import type { PlanNode } from "../lib/plan/types";
import { createKeyVaultSecretsSteps } from "./key-vault-secrets";
import { createKubernetesObjectSteps } from "./kubernetes-objects";
import { createPurgeDeletedVaultStep } from "./purge-deleted-vault";
import { createSecretPropagationSteps } from "./secret-propagation";
import { createTlsCertificateSteps } from "./tls-certificate";

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
 * `node` with its fact references replaced by the facts its dependencies reported (`input.facts`).
 * @throws AzureError `invalidRequest` naming the facts no dependency reported
 */
function withFacts(input: EnsureNodeInput): PlanNode {
  const resolved = resolveFacts(input.node.desired, input.facts ?? {});
  if (resolved.ok) return { ...input.node, desired: resolved.desired };
  const missing = resolved.missing.map((reference) => `${reference.fact} of ${reference.node}`).join(", ");
  throw new AzureError({
    kind: "invalidRequest",
    code: "DependencyFactMissing",
    message: `${input.node.key} needs ${missing}, which Azure did not report`,
    retryable: false,
    target: input.node.id,
  });
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
    kubernetesObjects: createKubernetesObjectSteps(subscriptionClients),
    certificates: createTlsCertificateSteps(subscriptionClients),
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

  const ensure = async (input: EnsureNodeInput): Promise<EnsureResult> => {
    const node = withFacts(input);
    const { arm, vaultSecrets, propagation, kubernetesObjects, certificates } = stepsFor(node.id);
    if (isArmNodeKind(node.kind)) return arm.ensure(node, { adminPasswordSecret: input.adminPasswordSecret });
    switch (node.kind) {
      case "keyVaultSecrets":
        return vaultSecrets.ensure(node);
      case "kubernetesSecret":
        return propagation.ensure(node);
      case "kubernetesObject":
        return kubernetesObjects.ensure(node);
      case "tlsCertificate":
        return certificates.ensure(node);
    }
  };

  return {
    /**
     * Makes one node exist as planned; returns at once with an operation to check when Azure is still
     * working, or `awaitingInput` when a user must provide something first (an uploaded certificate).
     */
    ensureNode(input: EnsureNodeInput): Promise<ActivityResult<EnsureResult>> {
      // Its writes wait on the subscription's bucket by how much of the build waits on the node.
      return settle(input.node.id, () => withWritePriority(input.chainToEndSec, () => ensure(input)));
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
        const { arm, propagation, kubernetesObjects } = stepsFor(node.id);
        if (isArmNodeKind(node.kind)) return arm.remove(node);
        if (node.kind === "kubernetesSecret") return propagation.remove(node);
        if (node.kind === "kubernetesObject") return kubernetesObjects.remove(node);
        // Key Vault secrets and certificates go with their vault.
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
