/**
 * What the generic ARM step needs to know about one resource type. Adapters are data plus the few SDK
 * calls that differ per type; the control flow (GET, compare, write, watch, delete) lives once, in
 * `activities/arm-step.ts`.
 */
import type { AzureClients } from "../../lib/azure/clients";
import type { CompareOptions } from "../../lib/azure/compare";
import type { StepPermissions } from "../../lib/azure/permissions";
import type { AzureError } from "../../lib/azure/errors";
import type { ResourceIdParts } from "../../lib/azure/resource-id";
import type { JsonObject, PlanNode } from "../../lib/plan/types";
import type { SecretReference, SecretLocation } from "../../lib/secrets/vault-secrets";

/** The raw answer an SDK hands to `onResponse` (core-client and rest core-client shapes alike). */
export interface RawSdkResponse {
  readonly status: number;
  readonly headers: unknown;
  readonly parsedBody?: unknown;
}

/** Options every adapter passes to its SDK call, so the generic step sees the initial response. */
export interface SdkCallOptions {
  readonly onResponse: (rawResponse: RawSdkResponse) => void;
  /** Poll interval for SDK pollers, in milliseconds. */
  readonly updateIntervalInMs?: number;
}

/** Extra input of an ensure beyond the plan node. */
export interface EnsureExtras {
  /**
   * Where the PostgreSQL admin password lives (`postgresFlexibleServer` only). The activity reads it
   * there or generates and stores it before creating the server. See `adminPasswordSecretFor`.
   */
  readonly adminPasswordSecret?: SecretLocation;
}

/** Everything an adapter's write receives. */
export interface WriteContext {
  readonly clients: AzureClients;
  readonly node: PlanNode;
  readonly id: ResourceIdParts;
  readonly mode: "create" | "update";
  /** The live resource, for updates. */
  readonly live?: Record<string, unknown>;
  readonly extras: EnsureExtras;
}

/** A write body, with what it carries that must never be shown. */
export interface PreparedBody {
  readonly body: JsonObject;
  /** Secret references the preparation created or reused (names and versions only). */
  readonly secrets?: readonly SecretReference[];
  /** Secret values inside `body`, to redact from any error the write raises. */
  readonly secretValues?: readonly string[];
}

/** Per-type knowledge of one ARM resource kind. */
export interface ArmAdapter {
  /** ARM resource type, e.g. `Microsoft.Network/virtualNetworks` (for the latency model's poll interval). */
  readonly armType: string;
  /**
   * The Azure RBAC actions this adapter's calls need — GET, PUT/PATCH, DELETE of the resource, the status
   * reads of its provider's operations, and the linked-access actions ARM checks on resources the body
   * references (a subnet joined, a zone linked). Collected by `activities/permissions.ts` into the
   * provisioner's custom role (docs/deploy.md#least-privilege).
   */
  readonly permissions: StepPermissions;
  /** How `desired` is compared with the live resource. */
  readonly compare?: CompareOptions;
  /**
   * Dot path of the live resource's state. @default - `provisioningState`, else `properties.provisioningState`
   */
  readonly statePath?: string;
  /**
   * The resource always exists once its parent does (PostgreSQL server parameters): never created,
   * only updated, and deleting it is a no-op.
   */
  readonly builtIn?: boolean;
  /**
   * Read-only facts of the live resource users need to reach it (an FQDN, a URI, a host), by fact name:
   * the dot paths to read in the live (SDK-shaped) resource, the first one present wins. Reported on
   * `unchanged`/`succeeded` results and on a check that saw the operation succeed. Never secrets.
   */
  readonly facts?: Readonly<Record<string, readonly string[]>>;
  /** Azure codes of a create conflict that means "it already exists as desired": adopt it. */
  readonly adoptOnConflictCodes?: readonly string[];
  /**
   * Says what a classified refusal of a write means for this kind and what to do about it (Azure
   * Cache for Redis refusing a tenant that may no longer create it: switch engines). Returns the error
   * to report, or `undefined` to report it as Azure gave it. Applied to a refused write and to an
   * operation that ended Failed.
   */
  explainError?(error: AzureError, action: "create" | "update"): AzureError | undefined;
  /** GET the live resource (404 surfaces as the SDK's error; the step classifies it). */
  get(clients: AzureClients, id: ResourceIdParts, node: PlanNode): Promise<unknown>;
  /** Builds the write body. @default - `desired` unchanged */
  prepareBody?(context: WriteContext): Promise<PreparedBody>;
  /** Sends the create or update and resolves once Azure accepted it (the initial response). */
  write(context: WriteContext, body: JsonObject, options: SdkCallOptions): Promise<unknown>;
  /** Sends the delete and resolves once Azure accepted it. */
  remove(
    clients: AzureClients,
    id: ResourceIdParts,
    options: SdkCallOptions,
    node: PlanNode,
  ): Promise<unknown>;
}

/** The modular clients' poller: sending the initial request without waiting for the end. */
export interface SubmittablePoller {
  submitted(): Promise<void>;
}

/** Resolves once a modular client's operation was accepted; the step watches it from there. */
export async function submitted(poller: SubmittablePoller): Promise<void> {
  await poller.submitted();
}

/** The SDK model type a plan's `desired` already has the shape of (see lib/plan/types.ts). */
export function asModel<T>(body: JsonObject): T {
  return body as unknown as T;
}
