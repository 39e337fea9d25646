/**
 * The two shapes most ARM operation groups share — a resource named in its resource group, and a child
 * named under a parent — turned into adapters. Per-type files only say which SDK operation group to use.
 */
import type { AzureClients } from "../../lib/azure/clients";
import type { ArmAdapter, SdkCallOptions } from "./types";

/** An HLC operation group for `…/resourceGroups/{rg}/providers/{type}/{name}`. */
export interface TopLevelOperations {
  get(resourceGroup: string, name: string): Promise<unknown>;
  beginCreateOrUpdate(
    resourceGroup: string,
    name: string,
    body: never,
    options: SdkCallOptions,
  ): Promise<unknown>;
  beginDelete(resourceGroup: string, name: string, options: SdkCallOptions): Promise<unknown>;
}

/** An HLC operation group for `…/{parentType}/{parent}/{childType}/{name}`. */
export interface ChildOperations {
  get(resourceGroup: string, parent: string, name: string): Promise<unknown>;
  beginCreateOrUpdate(
    resourceGroup: string,
    parent: string,
    name: string,
    body: never,
    options: SdkCallOptions,
  ): Promise<unknown>;
  beginDelete(resourceGroup: string, parent: string, name: string, options: SdkCallOptions): Promise<unknown>;
}

/** What a shape adds to its adapter: the declared permissions (required), and optional per-type facts. */
type Extra = Pick<ArmAdapter, "permissions"> &
  Partial<Omit<ArmAdapter, "get" | "write" | "remove" | "armType" | "permissions">>;

const nameAt = (names: readonly string[], index: number): string => {
  const name = names[index];
  if (name === undefined) throw new Error(`resource id lacks name #${index + 1}`);
  return name;
};

/** An adapter for a resource-group-level resource served by `operations(clients)`. */
export function topLevelAdapter(
  armType: string,
  operations: (clients: AzureClients) => TopLevelOperations,
  extra: Extra,
): ArmAdapter {
  return {
    armType,
    ...extra,
    get: (clients, id) => operations(clients).get(id.resourceGroup, nameAt(id.names, 0)),
    write: ({ clients, id }, body, options) =>
      operations(clients).beginCreateOrUpdate(id.resourceGroup, nameAt(id.names, 0), body as never, options),
    remove: (clients, id, options) =>
      operations(clients).beginDelete(id.resourceGroup, nameAt(id.names, 0), options),
  };
}

/** An adapter for a child resource (subnet, VNet link, DNS zone group …) served by `operations(clients)`. */
export function childAdapter(
  armType: string,
  operations: (clients: AzureClients) => ChildOperations,
  extra: Extra,
): ArmAdapter {
  return {
    armType,
    ...extra,
    get: (clients, id) => operations(clients).get(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1)),
    write: ({ clients, id }, body, options) =>
      operations(clients).beginCreateOrUpdate(
        id.resourceGroup,
        nameAt(id.names, 0),
        nameAt(id.names, 1),
        body as never,
        options,
      ),
    remove: (clients, id, options) =>
      operations(clients).beginDelete(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1), options),
  };
}

export { nameAt };
