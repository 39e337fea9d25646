/**
 * Microsoft.ManagedIdentity user-assigned identities and their federated identity credentials, both
 * written synchronously (200/201; DELETE 200/204).
 *
 * Facts (docs/azure-facts.md#workload-identity):
 * - an identity's name is 3-128 letters, digits, hyphens and underscores, starting with a letter or
 *   digit; its principal (object) and client ids are the service's, its tenant the subscription's;
 *   `isolationScope` is the one member a caller writes (`ManagedIdentity.json`: x-ms-mutability read,
 *   update, create);
 * - a federated credential names an `issuer` (an HTTPS URL), a `subject` (each at most 600 characters)
 *   and exactly one audience (`api://AzureADTokenExchange` for Entra ID); an identity holds at most 20 of
 *   them, and no two with the same issuer and subject. Azure's codes for these refusals are not
 *   published: the emulator answers 400 with its own.
 */
import { MSI_SCHEMAS } from "../arm-schema/index.js";
import { valueAt } from "../body-path.js";
import { badRequest } from "../errors.js";
import { idKey, subscriptionOf } from "../resource-path.js";
import type { ResourceTypeSpec, WriteContext } from "../resource-type.js";
import { stableGuid } from "./shared.js";

export const USER_ASSIGNED_IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
export const FEDERATED_CREDENTIAL_TYPE =
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";

/** The most federated credentials one identity holds. */
const MAX_FEDERATED_CREDENTIALS = 20;
/** The most characters of a federated credential's issuer, and of its subject. */
const MAX_ISSUER_OR_SUBJECT_LENGTH = 600;

function validateCredential({ id, parentId, body, existing, env }: WriteContext): void {
  const issuer = String(valueAt(body, "properties.issuer") ?? "");
  const subject = String(valueAt(body, "properties.subject") ?? "");
  const audiences = valueAt(body, "properties.audiences");
  if (!/^https:\/\/[^\s]+$/.test(issuer)) {
    throw badRequest(
      "InvalidFederatedIdentityCredentialIssuer",
      `The issuer '${issuer}' must be an HTTPS URL.`,
    );
  }
  for (const [member, value] of [
    ["issuer", issuer],
    ["subject", subject],
  ] as const) {
    if (value.length > MAX_ISSUER_OR_SUBJECT_LENGTH) {
      throw badRequest(
        "InvalidFederatedIdentityCredentialLength",
        `The ${member} has ${value.length} characters; at most ${MAX_ISSUER_OR_SUBJECT_LENGTH} are allowed.`,
      );
    }
  }
  if (!Array.isArray(audiences) || audiences.length !== 1) {
    throw badRequest("InvalidFederatedIdentityCredentialAudiences", "Exactly one audience is allowed.");
  }
  const siblings = env.store
    .children(parentId, FEDERATED_CREDENTIAL_TYPE)
    .filter((other) => idKey(other.id) !== idKey(id));
  if (!existing && siblings.length >= MAX_FEDERATED_CREDENTIALS) {
    throw badRequest(
      "FederatedIdentityCredentialLimitExceeded",
      `An identity holds at most ${MAX_FEDERATED_CREDENTIALS} federated identity credentials.`,
    );
  }
  const clash = siblings.find(
    (other) =>
      valueAt(other.body, "properties.issuer") === issuer &&
      valueAt(other.body, "properties.subject") === subject,
  );
  if (clash) {
    throw badRequest(
      "FederatedIdentityCredentialAlreadyExists",
      `The federated identity credential '${clash.name}' already has issuer '${issuer}' and subject '${subject}'.`,
    );
  }
}

export const userAssignedIdentitySpec: ResourceTypeSpec = {
  schemas: [MSI_SCHEMAS.userAssignedIdentity],
  type: USER_ASSIGNED_IDENTITY_TYPE,
  putStyle: "sync",
  deleteStyle: "sync",
  tracked: true,
  namePattern: /^[A-Za-z0-9][-\w]{2,127}$/,
  defaults: () => ({ tags: {}, properties: { isolationScope: "None" } }),
  synthesize: (resource, env) => ({
    properties: {
      tenantId: env.tenantOf(subscriptionOf(resource.id) ?? ""),
      principalId: stableGuid(`${resource.id}/principal`),
      clientId: stableGuid(`${resource.id}/client`),
    },
  }),
};

export const federatedCredentialSpec: ResourceTypeSpec = {
  schemas: [MSI_SCHEMAS.federatedIdentityCredential],
  type: FEDERATED_CREDENTIAL_TYPE,
  putStyle: "sync",
  deleteStyle: "sync",
  namePattern: /^[A-Za-z0-9][-\w]{2,119}$/,
  required: ["properties.issuer", "properties.subject", "properties.audiences"],
  validate: validateCredential,
};
