/** Adapters for PostgreSQL flexible servers, their databases and server parameters. */
import type {
  AdministratorMicrosoftEntraAdd,
  Configuration,
  Database,
  Server,
  ServerForPatch,
} from "@azure/arm-postgresql-flexible";
import type { AzureClients } from "../../lib/azure/clients";
import type { ResourceIdParts } from "../../lib/azure/resource-id";
import type { PlanNode } from "../../lib/plan/types";
import { AzureError } from "../../lib/azure/errors";
import { generatePostgresPassword } from "../../lib/secrets/password";
import { readOrCreateSecret } from "../../lib/secrets/vault-secrets";
import { nameAt } from "./shapes";
import { asModel, type ArmAdapter } from "./types";

/** Flexible-server operations report under `azureAsyncOperation` and `operationResults`. */
const POSTGRES_OPERATION_READS = [
  "Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read",
  "Microsoft.DBforPostgreSQL/locations/operationResults/read",
];

/** False for a server with password authentication off (`auth: entra`): it has no password to generate. */
function usesPassword(node: PlanNode): boolean {
  const authConfig = node.desired.authConfig as { passwordAuth?: string } | undefined;
  return authConfig?.passwordAuth !== "Disabled";
}

export const postgresFlexibleServerAdapter: ArmAdapter = {
  armType: "Microsoft.DBforPostgreSQL/flexibleServers",
  permissions: {
    actions: [
      "Microsoft.DBforPostgreSQL/flexibleServers/read",
      "Microsoft.DBforPostgreSQL/flexibleServers/write",
      "Microsoft.DBforPostgreSQL/flexibleServers/delete",
      ...POSTGRES_OPERATION_READS,
      // Linked access: private access joins the delegated subnet and names the private DNS zone.
      "Microsoft.Network/virtualNetworks/subnets/join/action",
      "Microsoft.Network/privateDnsZones/join/action",
      // prepareBody stores the generated admin password in Key Vault first (the vault URI from ARM).
      "Microsoft.KeyVault/vaults/read",
    ],
    dataActions: [
      "Microsoft.KeyVault/vaults/secrets/getSecret/action",
      "Microsoft.KeyVault/vaults/secrets/setSecret/action",
    ],
  },
  // The password is write-only (never returned); createMode only matters to the create request.
  compare: { ignoredPaths: ["administratorLoginPassword", "createMode"] },
  // Flexible servers report `state` (Ready, Updating, Provisioning …), not provisioningState.
  statePath: "state",
  facts: { host: ["fullyQualifiedDomainName"] },
  get: (c, id) => c.postgres.servers.get(id.resourceGroup, id.name),
  async prepareBody({ clients, node, mode, extras }) {
    if (mode !== "create" || !usesPassword(node)) return { body: node.desired };
    const location = extras.adminPasswordSecret;
    if (!location) {
      throw new AzureError({
        kind: "invalidRequest",
        code: "AdminPasswordSecretMissing",
        message: `creating ${node.key} needs the Key Vault secret that holds its admin password`,
        retryable: false,
        target: node.id,
      });
    }
    const login =
      typeof node.desired.administratorLogin === "string" ? node.desired.administratorLogin : undefined;
    // Generated here, inside the step that creates the server, and stored in Key Vault BEFORE the PUT:
    // after a crash between the two, the retry reads the stored password instead of inventing a second
    // one that would not match the server.
    const vault = await clients.secretClientForVault(location.vaultId);
    const { value, reference } = await readOrCreateSecret(
      vault,
      location.secretName,
      () => generatePostgresPassword(32, login),
      { budgetMs: clients.keyVaultPropagationBudgetMs },
    );
    return {
      body: { ...node.desired, administratorLoginPassword: value },
      secrets: [reference],
      secretValues: [value],
    };
  },
  write: ({ clients, id, mode }, body, options) =>
    mode === "create"
      ? clients.postgres.servers.beginCreateOrUpdate(
          id.resourceGroup,
          id.name,
          asModel<Server>(body),
          options,
        )
      : // PATCH for updates: a PUT would need the admin password again and resets what it omits.
        clients.postgres.servers.beginUpdate(
          id.resourceGroup,
          id.name,
          asModel<ServerForPatch>(body),
          options,
        ),
  remove: (c, id, options) => c.postgres.servers.beginDelete(id.resourceGroup, id.name, options),
};

export const postgresDatabaseAdapter: ArmAdapter = {
  armType: "Microsoft.DBforPostgreSQL/flexibleServers/databases",
  permissions: {
    actions: [
      "Microsoft.DBforPostgreSQL/flexibleServers/databases/read",
      "Microsoft.DBforPostgreSQL/flexibleServers/databases/write",
      "Microsoft.DBforPostgreSQL/flexibleServers/databases/delete",
      ...POSTGRES_OPERATION_READS,
    ],
  },
  get: (c, id) => c.postgres.databases.get(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1)),
  write: ({ clients, id }, body, options) =>
    clients.postgres.databases.beginCreate(
      id.resourceGroup,
      nameAt(id.names, 0),
      nameAt(id.names, 1),
      asModel<Database>(body),
      options,
    ),
  remove: (c, id, options) =>
    c.postgres.databases.beginDelete(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1), options),
};

export const postgresConfigurationAdapter: ArmAdapter = {
  armType: "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
  // Built in: set, never created or deleted, so no delete action.
  permissions: {
    actions: [
      "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read",
      "Microsoft.DBforPostgreSQL/flexibleServers/configurations/write",
      ...POSTGRES_OPERATION_READS,
    ],
  },
  // Server parameters exist from the server's creation; they are set, never created or deleted. The
  // server accepts one parameter write at a time ("server is busy", docs/azure-facts.md#failure-case-8): the planner chains
  // configuration nodes, and a busy answer is classified retryable.
  builtIn: true,
  get: (c, id) => c.postgres.configurations.get(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1)),
  write: ({ clients, id }, body, options) =>
    clients.postgres.configurations.beginPut(
      id.resourceGroup,
      nameAt(id.names, 0),
      nameAt(id.names, 1),
      asModel<Configuration>(body),
      options,
    ),
  remove: () => Promise.resolve(undefined),
};

/** The object id an administrator node names, once its fact is resolved (a string). */
function objectIdOf(node: PlanNode): string | undefined {
  const objectId = node.desired.objectId;
  return typeof objectId === "string" ? objectId : undefined;
}

/**
 * The Entra administrators of the node's server that are the node's principal: by object id when the
 * node's facts were resolved, else by principal name (a delete runs without facts).
 */
async function administratorObjectIds(
  clients: AzureClients,
  id: ResourceIdParts,
  node: PlanNode,
): Promise<string[]> {
  const known = objectIdOf(node);
  if (known) return [known];
  const found: string[] = [];
  for await (const administrator of clients.postgres.administratorsMicrosoftEntra.listByServer(
    id.resourceGroup,
    nameAt(id.names, 0),
  )) {
    if (administrator.principalName === node.desired.principalName && administrator.objectId)
      found.push(administrator.objectId);
  }
  return found;
}

/**
 * A server's Microsoft Entra administrator (`auth: entra`). ARM names it by its principal's object id,
 * which the plan holds as a fact reference in `desired.objectId` (the node's id names the principal by
 * its name): GET, PUT and DELETE address `administrators/<objectId>` once the fact is resolved; without
 * it (a preview of changes, a delete) the administrator is found by its principal's name. Facts:
 * docs/azure-facts.md#postgresql-entra-authentication.
 */
export const postgresEntraAdministratorAdapter: ArmAdapter = {
  armType: "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
  permissions: {
    actions: [
      "Microsoft.DBforPostgreSQL/flexibleServers/administrators/read",
      "Microsoft.DBforPostgreSQL/flexibleServers/administrators/write",
      "Microsoft.DBforPostgreSQL/flexibleServers/administrators/delete",
      ...POSTGRES_OPERATION_READS,
    ],
  },
  async get(c, id, node) {
    // Without the fact (a preview, a delete), the administrator is the one of the principal's name.
    const [objectId] = await administratorObjectIds(c, id, node);
    if (!objectId) {
      throw new AzureError({
        kind: "notFound",
        code: "ResourceNotFound",
        message: `${String(node.desired.principalName)} is not an Entra administrator of the server`,
        statusCode: 404,
        retryable: false,
        target: node.id,
      });
    }
    return c.postgres.administratorsMicrosoftEntra.get(id.resourceGroup, nameAt(id.names, 0), objectId);
  },
  write: ({ clients, id, node }, body, options) => {
    // The object id is the resource's name, not part of the PUT body (`AdministratorMicrosoftEntraAdd`).
    const { objectId: _objectId, ...properties } = body;
    const objectId = objectIdOf(node);
    if (!objectId) {
      throw new AzureError({
        kind: "invalidRequest",
        code: "DependencyFactMissing",
        message: `${node.key} needs the object id of ${String(node.desired.principalName)}`,
        retryable: false,
        target: node.id,
      });
    }
    return clients.postgres.administratorsMicrosoftEntra.beginCreateOrUpdate(
      id.resourceGroup,
      nameAt(id.names, 0),
      objectId,
      asModel<AdministratorMicrosoftEntraAdd>(properties),
      options,
    );
  },
  // Normally one administrator is found; with several (the same name twice), each is deleted and the
  // last deletion is the operation watched.
  async remove(c, id, options, node) {
    let last: unknown = undefined;
    for (const objectId of await administratorObjectIds(c, id, node)) {
      last = await c.postgres.administratorsMicrosoftEntra.beginDelete(
        id.resourceGroup,
        nameAt(id.names, 0),
        objectId,
        options,
      );
    }
    return last;
  },
};
