/** ARM resource ids. */

/** The parts of an ARM resource id. */
export interface ResourceIdParts {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** Resource names from the outermost down, e.g. `["vnet-1", "nodes"]` for a subnet. */
  readonly names: readonly string[];
  /** The last name. */
  readonly name: string;
}

/**
 * Splits `/subscriptions/{s}/resourceGroups/{rg}[/providers/{ns}/{type}/{name}[/{type}/{name}…]]`.
 * @throws when the id has no subscription or resource group
 */
export function parseResourceId(id: string): ResourceIdParts {
  const parts = id.split("/").filter((p) => p !== "");
  const valueAfter = (key: string): string | undefined => {
    const index = parts.findIndex((p) => p.toLowerCase() === key.toLowerCase());
    return index >= 0 ? parts[index + 1] : undefined;
  };
  const subscriptionId = valueAfter("subscriptions");
  const resourceGroup = valueAfter("resourceGroups");
  if (!subscriptionId || !resourceGroup) throw new Error(`not a resource-group-scoped ARM id: ${id}`);
  const providersAt = parts.findIndex((p) => p.toLowerCase() === "providers");
  // After `providers/{namespace}`, segments alternate type/name.
  const names = providersAt < 0 ? [] : parts.slice(providersAt + 2).filter((_, i) => i % 2 === 1);
  return { subscriptionId, resourceGroup, names, name: names[names.length - 1] ?? resourceGroup };
}

/** The scope of an extension resource such as a role assignment: everything before its `/providers/Microsoft.Authorization/…`. */
export function scopeOfExtensionResource(id: string, providerNamespace: string): string {
  const marker = `/providers/${providerNamespace.toLowerCase()}/`;
  const index = id.toLowerCase().lastIndexOf(marker);
  if (index < 0) throw new Error(`${id} is not a ${providerNamespace} resource`);
  return id.slice(0, index);
}
