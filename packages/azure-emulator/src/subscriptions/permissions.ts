/**
 * Azure RBAC's evaluation of management-plane actions against permission entries, and the action an ARM
 * request needs. An action is allowed when one entry's `actions` match it and that entry's `notActions` do
 * not; `*` matches any run of characters; comparisons ignore case ("Understand Azure role definitions",
 * https://learn.microsoft.com/azure/role-based-access-control/role-definitions#actions).
 */
import type { Permission } from "./settings.js";

/** True when `pattern` (with `*` wildcards) matches `action`, ignoring case. */
export function actionMatches(pattern: string, action: string): boolean {
  const escaped = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "i").test(action);
}

/** True when `permissions` allow `action`. */
export function permits(permissions: readonly Permission[], action: string): boolean {
  return permissions.some(
    (entry) =>
      entry.actions.some((pattern) => actionMatches(pattern, action)) &&
      !(entry.notActions ?? []).some((pattern) => actionMatches(pattern, action)),
  );
}

/**
 * The action an ARM write needs (docs/deploy.md, "What the emulator must enforce"): `PUT`/`PATCH` ⇒
 * `{type}/write`, `DELETE` ⇒ `{type}/delete`, `POST …/{verb}` ⇒ `{type}/{verb}/action`, where `{type}` is the
 * namespace and every type segment of the path; resource groups are `Microsoft.Resources/subscriptions/resourceGroups`.
 * @returns undefined for a path that names no resource type
 */
export function actionOfWrite(method: string, path: string): string | undefined {
  const segments = path.split("/").filter((segment) => segment !== "");
  const lower = segments.map((segment) => segment.toLowerCase());
  const providers = lower.lastIndexOf("providers");
  let typeSegments: string[];
  let trailing: string | undefined;
  if (providers < 0) {
    if (lower[0] !== "subscriptions" || lower[2] !== "resourcegroups") return undefined;
    typeSegments = ["Microsoft.Resources", "subscriptions", "resourceGroups"];
    trailing = segments.length === 5 ? segments[4] : undefined;
  } else {
    const [namespace, ...rest] = segments.slice(providers + 1);
    if (!namespace) return undefined;
    typeSegments = [namespace, ...rest.filter((_, index) => index % 2 === 0)];
    // An odd number of segments after the namespace ends with an action verb (`listKeys`, `register`).
    if (rest.length % 2 === 1) trailing = typeSegments.pop();
  }
  if (method === "POST") return trailing ? [...typeSegments, trailing, "action"].join("/") : undefined;
  const verb = method === "DELETE" ? "delete" : "write";
  return [...typeSegments, verb].join("/");
}
