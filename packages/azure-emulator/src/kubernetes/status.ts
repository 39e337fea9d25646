/**
 * Kubernetes API `Status` replies (`kind: Status`, `reason`, `code`, `details`), as a real API server
 * writes them for refusals; `@kubernetes/client-node` surfaces them as `ApiException` with `code` and the
 * raw JSON `body`.
 */

const KUBERNETES_STATUS_BRAND = Symbol.for("azure-env-provisioner.emulator.KubernetesStatusError");

/** `details` of a Status: which object the refusal is about. */
export interface StatusDetails {
  readonly name?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly { readonly reason: string; readonly message: string; readonly field: string }[];
}

/** A refused request; thrown inside the API server and written as a `Status` at its edge. */
export class KubernetesStatusError extends Error {
  readonly [KUBERNETES_STATUS_BRAND] = true;

  constructor(
    /** HTTP status, also the Status's `code`. */
    readonly code: number,
    /** Status `reason`, e.g. `AlreadyExists`, `NotFound`, `Conflict`. */
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = "KubernetesStatusError";
  }

  /** The `Status` object the API server replies with. */
  toStatus(): Record<string, unknown> {
    return statusObject("Failure", this.code, this.message, this.reason, this.details);
  }
}

/** True for a {@link KubernetesStatusError}, even one from another copy of this module. */
export function isKubernetesStatusError(value: unknown): value is KubernetesStatusError {
  return typeof value === "object" && value !== null && KUBERNETES_STATUS_BRAND in value;
}

/** A `Status` object; `Success` statuses answer deletes. */
export function statusObject(
  status: "Success" | "Failure",
  code: number,
  message: string | undefined,
  reason: string | undefined,
  details: StatusDetails | undefined,
): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status,
    ...(message === undefined ? {} : { message }),
    ...(reason === undefined ? {} : { reason }),
    ...(details === undefined ? {} : { details }),
    code,
  };
}

/** The refusals the API server raises, with the messages kube-apiserver uses. */
export const kubernetesErrors = {
  unauthorized: () => new KubernetesStatusError(401, "Unauthorized", "Unauthorized"),
  forbidden: (
    user: string,
    verb: string,
    resource: string,
    name: string | undefined,
    namespace: string | undefined,
  ) =>
    new KubernetesStatusError(
      403,
      "Forbidden",
      `${resource}${name ? ` "${name}"` : ""} is forbidden: User "${user}" cannot ${verb} resource "${resource}" ` +
        `in API group "" ${namespace ? `in the namespace "${namespace}"` : "at the cluster scope"}: ` +
        "User does not have access to the resource in Azure. Update role assignment to allow access.",
      { ...(name ? { name } : {}), kind: resource },
    ),
  notFound: (resource: string, name: string) =>
    new KubernetesStatusError(404, "NotFound", `${resource} "${name}" not found`, { name, kind: resource }),
  noSuchPath: () =>
    new KubernetesStatusError(404, "NotFound", "the server could not find the requested resource"),
  alreadyExists: (resource: string, name: string) =>
    new KubernetesStatusError(409, "AlreadyExists", `${resource} "${name}" already exists`, {
      name,
      kind: resource,
    }),
  conflict: (resource: string, name: string) =>
    new KubernetesStatusError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your ` +
        "changes to the latest version and try again",
      { name, kind: resource },
    ),
  badRequest: (message: string) => new KubernetesStatusError(400, "BadRequest", message),
  invalid: (kind: string, name: string, field: string, message: string) =>
    new KubernetesStatusError(422, "Invalid", `${kind} "${name}" is invalid: ${field}: ${message}`, {
      name,
      kind,
      causes: [{ reason: "FieldValueInvalid", message, field }],
    }),
  /** A patch that cannot be applied (bad JSON Patch path, failed `test` operation). */
  patchFailed: (message: string) => new KubernetesStatusError(422, "Invalid", message),
  methodNotAllowed: (method: string) =>
    new KubernetesStatusError(
      405,
      "MethodNotAllowed",
      `the server does not allow this method on the requested resource (${method})`,
    ),
  unsupportedMediaType: (contentType: string) =>
    new KubernetesStatusError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format: ${contentType}`,
    ),
  /** Deleting the namespaces every cluster needs, as kube-apiserver's lifecycle admission refuses it. */
  protectedNamespace: (name: string) =>
    new KubernetesStatusError(
      403,
      "Forbidden",
      `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      {
        name,
        kind: "namespaces",
      },
    ),
  /** A DELETE of a namespace that is already terminating. */
  namespaceTerminating: (name: string) =>
    new KubernetesStatusError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on namespaces "${name}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`,
      { name, kind: "namespaces" },
    ),
  /** A create in a namespace that is terminating, as the NamespaceLifecycle admission refuses it. */
  namespaceTerminatingForNewContent: (resource: string, name: string, namespace: string) =>
    new KubernetesStatusError(
      403,
      "Forbidden",
      `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      {
        name,
        kind: resource,
        causes: [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      },
    ),
  /** A server-side apply that would take fields another manager owns, without `force`. */
  applyConflict: (resource: string, name: string, conflicts: readonly { manager: string; field: string }[]) =>
    new KubernetesStatusError(
      409,
      "Conflict",
      `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"}: ${conflicts
        .map((c) => `conflict with "${c.manager}" using v1: ${c.field}`)
        .join("\n")}`,
      {
        name,
        kind: resource,
        causes: conflicts.map((c) => ({
          reason: "FieldManagerConflict",
          message: `conflict with "${c.manager}" using v1`,
          field: c.field,
        })),
      },
    ),
  internal: () =>
    new KubernetesStatusError(
      500,
      "InternalError",
      "an error on the server has prevented the request from succeeding",
    ),
} as const;
