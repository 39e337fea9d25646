/**
 * Instance ids of the orchestrations, derived from the environment id so that a re-run of the same
 * build addresses the same instances and history stays readable.
 */

/**
 * The child instance id of a node's ENSURE_NODE_ORCHESTRATION, derived from the environment id (the
 * parent's): a re-run of the same build addresses the same child, and history stays readable. Node keys
 * hold `/` (`base/vnet`), which the Azure Storage backend refuses in instance ids (they become table
 * keys, where `/`, `\`, `#` and `?` are not allowed), so those become `:`: `acme-staging:base:vnet`.
 */
export function ensureNodeInstanceId(environmentId: string, nodeKey: string): string {
  return `${environmentId}:${nodeKey}`.replace(/[/\\#?]/g, ":");
}

/** The environment id of a node's instance id (environment ids hold no `:`). */
export function environmentIdOfNodeInstance(instanceId: string): string {
  return instanceId.slice(0, Math.max(0, instanceId.indexOf(":")));
}
