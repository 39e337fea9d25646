/**
 * The OpenAPI documents of the kinds served, as kube-apiserver publishes them: v2 at `/openapi/v2` (JSON,
 * or the protobuf clients ask for first) and v3 at `/openapi/v3` (the root listing group-versions) and
 * `/openapi/v3/api/v1`. `kubectl apply` checks them for the `fieldValidation` parameter of each kind's
 * PATCH (then lets the server validate) and reads its schemas; `kubectl explain` prints them. Schemas
 * carry `x-kubernetes-group-version-kind`; merge keys carry `x-kubernetes-patch-strategy` as in
 * Kubernetes' own documents ("Kubernetes API — OpenAPI", https://kubernetes.io/docs/concepts/overview/kubernetes-api/).
 */
import { createHash } from "node:crypto";
import { EMULATED_KUBERNETES_VERSION } from "./discovery";
import { RESOURCE_KINDS, type ResourceKind } from "./resource-kinds";

type Json = Record<string, unknown>;

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const CORE = "io.k8s.api.core.v1";
const ref = (name: string): Json => ({ $ref: `#/definitions/${name}` });
const str = (description: string): Json => ({ type: "string", description });
const gvk = (kind: string, group = "", version = "v1"): Json => ({
  "x-kubernetes-group-version-kind": [{ group, kind, version }],
});
const stringMap = (description: string): Json => ({
  type: "object",
  description,
  additionalProperties: { type: "string" },
});

const TYPE_META = {
  apiVersion: str(
    "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
  ),
  kind: str(
    "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.",
  ),
};

/** Definitions (v2 form: `#/definitions/…`), shared by both documents. */
const DEFINITIONS: Readonly<Record<string, Json>> = {
  [`${META}.Time`]: {
    type: "string",
    format: "date-time",
    description: "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.",
  },
  [`${META}.FieldsV1`]: {
    type: "object",
    description: "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.",
  },
  [`${META}.ManagedFieldsEntry`]: {
    type: "object",
    description:
      "ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.",
    properties: {
      apiVersion: str("APIVersion defines the version of this resource that this field set applies to."),
      fieldsType: str(
        'FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"',
      ),
      fieldsV1: ref(`${META}.FieldsV1`),
      manager: str("Manager is an identifier of the workflow managing these fields."),
      operation: str(
        "Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'.",
      ),
      subresource: str(
        "Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.",
      ),
      time: ref(`${META}.Time`),
    },
  },
  [`${META}.OwnerReference`]: {
    type: "object",
    description: "OwnerReference contains enough information to let you identify an owning object.",
    required: ["apiVersion", "kind", "name", "uid"],
    properties: {
      apiVersion: str("API version of the referent."),
      blockOwnerDeletion: {
        type: "boolean",
        description:
          'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.',
      },
      controller: {
        type: "boolean",
        description: "If true, this reference points to the managing controller.",
      },
      kind: str("Kind of the referent."),
      name: str("Name of the referent."),
      uid: str("UID of the referent."),
    },
    "x-kubernetes-map-type": "atomic",
  },
  [`${META}.ObjectMeta`]: {
    type: "object",
    description:
      "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
    properties: {
      annotations: stringMap(
        "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.",
      ),
      creationTimestamp: ref(`${META}.Time`),
      deletionGracePeriodSeconds: {
        type: "integer",
        format: "int64",
        description:
          "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.",
      },
      deletionTimestamp: ref(`${META}.Time`),
      finalizers: {
        type: "array",
        description: "Must be empty before the object is deleted from the registry.",
        items: { type: "string" },
        "x-kubernetes-list-type": "set",
        "x-kubernetes-patch-strategy": "merge",
      },
      generateName: str(
        "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.",
      ),
      generation: {
        type: "integer",
        format: "int64",
        description: "A sequence number representing a specific generation of the desired state.",
      },
      labels: stringMap(
        "Map of string keys and values that can be used to organize and categorize (scope and select) objects.",
      ),
      managedFields: {
        type: "array",
        description:
          "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.",
        items: ref(`${META}.ManagedFieldsEntry`),
      },
      name: str("Name must be unique within a namespace."),
      namespace: str("Namespace defines the space within which each name must be unique."),
      ownerReferences: {
        type: "array",
        description: "List of objects depended by this object.",
        items: ref(`${META}.OwnerReference`),
        "x-kubernetes-list-map-keys": ["uid"],
        "x-kubernetes-list-type": "map",
        "x-kubernetes-patch-merge-key": "uid",
        "x-kubernetes-patch-strategy": "merge",
      },
      resourceVersion: str(
        "An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed.",
      ),
      selfLink: str(
        "Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.",
      ),
      uid: str("UID is the unique in time and space value for this object."),
    },
  },
  [`${META}.ListMeta`]: {
    type: "object",
    description:
      "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.",
    properties: {
      continue: str("continue may be set if the user set a limit on the number of items returned."),
      remainingItemCount: {
        type: "integer",
        format: "int64",
        description:
          "The number of subsequent items in the list which are not included in this list response.",
      },
      resourceVersion: str("String that identifies the server's internal version of this object."),
      selfLink: str(
        "Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.",
      ),
    },
  },
  [`${META}.Status`]: {
    type: "object",
    description: "Status is a return value for calls that don't return other objects.",
    properties: {
      ...TYPE_META,
      code: {
        type: "integer",
        format: "int32",
        description: "Suggested HTTP return code for this status, 0 if not set.",
      },
      details: { type: "object", description: "Extended data associated with the reason." },
      message: str("A human-readable description of the status of this operation."),
      metadata: ref(`${META}.ListMeta`),
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
    },
    ...gvk("Status"),
  },
  [`${META}.DeleteOptions`]: {
    type: "object",
    description: "DeleteOptions may be provided when deleting an API object.",
    properties: {
      ...TYPE_META,
      dryRun: {
        type: "array",
        items: { type: "string" },
        description: "When present, indicates that modifications should not be persisted.",
      },
      gracePeriodSeconds: {
        type: "integer",
        format: "int64",
        description: "The duration in seconds before the object should be deleted.",
      },
      preconditions: {
        type: "object",
        description: "Must be fulfilled before a deletion is carried out.",
        properties: {
          resourceVersion: str("Specifies the target ResourceVersion"),
          uid: str("Specifies the target UID."),
        },
      },
      propagationPolicy: str("Whether and how garbage collection will be performed."),
    },
    ...gvk("DeleteOptions"),
  },
  [`${META}.Patch`]: {
    type: "object",
    description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
  },
  [`${META}.WatchEvent`]: {
    type: "object",
    description: "Event represents a single event to a watched resource.",
    required: ["type", "object"],
    properties: {
      object: {
        type: "object",
        description:
          "Object is: * If Type is Added or Modified: the new state of the object. * If Type is Deleted: the state of the object immediately before deletion. * If Type is Error: *Status is recommended.",
      },
      type: str("The type of event: ADDED, MODIFIED, DELETED, ERROR or BOOKMARK."),
    },
    ...gvk("WatchEvent"),
  },
  [`${CORE}.Secret`]: {
    type: "object",
    description:
      "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.",
    properties: {
      ...TYPE_META,
      data: {
        type: "object",
        description:
          "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here.",
        additionalProperties: { type: "string", format: "byte" },
      },
      immutable: {
        type: "boolean",
        description:
          "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).",
      },
      metadata: ref(`${META}.ObjectMeta`),
      stringData: stringMap(
        "stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values. The stringData field is never output when reading from the API.",
      ),
      type: str("Used to facilitate programmatic handling of secret data."),
    },
    ...gvk("Secret"),
  },
  [`${CORE}.SecretList`]: {
    type: "object",
    description: "SecretList is a list of Secret.",
    required: ["items"],
    properties: {
      ...TYPE_META,
      items: {
        type: "array",
        description: "Items is a list of secret objects.",
        items: ref(`${CORE}.Secret`),
      },
      metadata: ref(`${META}.ListMeta`),
    },
    ...gvk("SecretList"),
  },
  [`${CORE}.NamespaceSpec`]: {
    type: "object",
    description: "NamespaceSpec describes the attributes on a Namespace.",
    properties: {
      finalizers: {
        type: "array",
        description:
          "Finalizers is an opaque list of values that must be empty to permanently remove object from storage.",
        items: { type: "string" },
        "x-kubernetes-list-type": "atomic",
      },
    },
  },
  [`${CORE}.NamespaceCondition`]: {
    type: "object",
    description: "NamespaceCondition contains details about state of namespace.",
    required: ["type", "status"],
    properties: {
      lastTransitionTime: ref(`${META}.Time`),
      message: str("Human-readable message indicating details about last transition."),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str("Status of the condition, one of True, False, Unknown."),
      type: str("Type of namespace controller condition."),
    },
  },
  [`${CORE}.NamespaceStatus`]: {
    type: "object",
    description: "NamespaceStatus is information about the current status of a Namespace.",
    properties: {
      conditions: {
        type: "array",
        description: "Represents the latest available observations of a namespace's current state.",
        items: ref(`${CORE}.NamespaceCondition`),
        "x-kubernetes-patch-merge-key": "type",
        "x-kubernetes-patch-strategy": "merge",
      },
      phase: str(
        'Phase is the current lifecycle phase of the namespace. Possible enum values: "Active" means the namespace is available for use in the system; "Terminating" means the namespace is undergoing graceful termination.',
      ),
    },
  },
  [`${CORE}.Namespace`]: {
    type: "object",
    description: "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
    properties: {
      ...TYPE_META,
      metadata: ref(`${META}.ObjectMeta`),
      spec: ref(`${CORE}.NamespaceSpec`),
      status: ref(`${CORE}.NamespaceStatus`),
    },
    ...gvk("Namespace"),
  },
  [`${CORE}.NamespaceList`]: {
    type: "object",
    description: "NamespaceList is a list of Namespaces.",
    required: ["items"],
    properties: {
      ...TYPE_META,
      items: {
        type: "array",
        description: "Items is the list of Namespace objects in the list.",
        items: ref(`${CORE}.Namespace`),
      },
      metadata: ref(`${META}.ListMeta`),
    },
    ...gvk("NamespaceList"),
  },
};

const queryParameter = (name: string, type: string, description: string): Json => ({
  name,
  in: "query",
  description,
  type,
  uniqueItems: true,
});
const pathParameter = (name: string, description: string): Json => ({
  name,
  in: "path",
  required: true,
  description,
  type: "string",
  uniqueItems: true,
});

const WRITE_PARAMETERS = [
  queryParameter(
    "dryRun",
    "string",
    "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed",
  ),
  queryParameter(
    "fieldManager",
    "string",
    "fieldManager is a name associated with the actor or entity that is making these changes.",
  ),
  queryParameter(
    "fieldValidation",
    "string",
    "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
  ),
];
const LIST_PARAMETERS = [
  queryParameter(
    "continue",
    "string",
    "The continue option should be set when retrieving more results from the server.",
  ),
  queryParameter(
    "fieldSelector",
    "string",
    "A selector to restrict the list of returned objects by their fields.",
  ),
  queryParameter(
    "labelSelector",
    "string",
    "A selector to restrict the list of returned objects by their labels.",
  ),
  queryParameter("limit", "integer", "limit is a maximum number of responses to return for a list call."),
  queryParameter(
    "resourceVersion",
    "string",
    "resourceVersion sets a constraint on what resource versions a request may be served from.",
  ),
  queryParameter("timeoutSeconds", "integer", "Timeout for the list/watch call."),
  queryParameter(
    "watch",
    "boolean",
    "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.",
  ),
];

function operation(
  kind: ResourceKind,
  action: string,
  verb: string,
  parameters: Json[],
  response: Json,
  body?: Json,
): Json {
  const operationId = `${verb}${kind.namespaced && verb !== "list" ? "Namespaced" : ""}${kind.kind}`;
  return {
    description: `${verb} ${action === "list" ? "objects of kind" : "the specified"} ${kind.kind}`,
    consumes: ["*/*"],
    produces: ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
    schemes: ["https"],
    tags: ["core_v1"],
    operationId,
    parameters: [
      ...(body ? [{ name: "body", in: "body", required: true, schema: body }] : []),
      ...parameters,
    ],
    responses: { "200": { description: "OK", schema: response }, "401": { description: "Unauthorized" } },
    "x-kubernetes-action": action,
    // Operations name their kind as one object; schemas list theirs.
    "x-kubernetes-group-version-kind": { group: "", kind: kind.kind, version: "v1" },
  };
}

function pathsOf(kind: ResourceKind): Record<string, Json> {
  const object = ref(`${CORE}.${kind.kind}`);
  const list = ref(`${CORE}.${kind.kind}List`);
  const collection = kind.namespaced
    ? `/api/v1/namespaces/{namespace}/${kind.plural}`
    : `/api/v1/${kind.plural}`;
  const scope = kind.namespaced
    ? [pathParameter("namespace", "object name and auth scope, such as for teams and projects")]
    : [];
  const named = [pathParameter("name", `name of the ${kind.kind}`), ...scope];
  const patchParameters = [
    ...WRITE_PARAMETERS,
    queryParameter(
      "force",
      "boolean",
      'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.',
    ),
  ];
  const paths: Record<string, Json> = {
    [collection]: {
      get: operation(kind, "list", "list", LIST_PARAMETERS, list),
      post: operation(kind, "post", "create", WRITE_PARAMETERS, object, object),
      delete: operation(kind, "deletecollection", "deletecollection", LIST_PARAMETERS, ref(`${META}.Status`)),
      parameters: scope,
    },
    [`${collection}/{name}`]: {
      get: operation(kind, "get", "read", [], object),
      put: operation(kind, "put", "replace", WRITE_PARAMETERS, object, object),
      patch: {
        ...operation(kind, "patch", "patch", patchParameters, object, ref(`${META}.Patch`)),
        consumes: [
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/strategic-merge-patch+json",
          "application/apply-patch+yaml",
        ],
      },
      delete: operation(
        kind,
        "delete",
        "delete",
        [
          queryParameter(
            "dryRun",
            "string",
            "When present, indicates that modifications should not be persisted.",
          ),
        ],
        ref(`${META}.Status`),
        ref(`${META}.DeleteOptions`),
      ),
      parameters: named,
    },
  };
  if (kind.namespaced)
    paths[`/api/v1/${kind.plural}`] = {
      get: operation(kind, "list", "list", LIST_PARAMETERS, list),
      parameters: [],
    };
  return paths;
}

/** The OpenAPI v2 (Swagger 2.0) document. */
export function openApiV2(): Json {
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: EMULATED_KUBERNETES_VERSION.gitVersion },
    paths: Object.assign({}, ...RESOURCE_KINDS.map(pathsOf)) as Json,
    definitions: DEFINITIONS,
  };
}

/** v2 JSON → v3: `#/definitions/` refs become `#/components/schemas/`, body parameters `requestBody`. */
function toV3(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toV3);
  if (typeof value !== "object" || value === null) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === "$ref" && typeof child === "string"
        ? child.replace("#/definitions/", "#/components/schemas/")
        : toV3(child);
  }
  return out;
}

function operationV3(op: Json): Json {
  const {
    parameters = [],
    consumes,
    produces: _produces,
    schemes: _schemes,
    responses,
    ...rest
  } = op as Json & { parameters?: Json[]; responses: Record<string, Json> };
  const body = parameters.find((p) => p.in === "body");
  return {
    ...rest,
    parameters: parameters
      .filter((p) => p.in !== "body")
      .map(({ type, uniqueItems: _u, ...p }) => ({ ...p, schema: { type } })),
    ...(body
      ? {
          requestBody: {
            content: Object.fromEntries(
              ((consumes as string[] | undefined) ?? ["application/json"]).map((c) => [
                c === "*/*" ? "application/json" : c,
                { schema: toV3(body.schema) },
              ]),
            ),
            required: true,
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responses).map(([code, response]) => [
        code,
        {
          description: response.description,
          ...(response.schema ? { content: { "application/json": { schema: toV3(response.schema) } } } : {}),
        },
      ]),
    ),
  };
}

/** The OpenAPI v3 document of the core group (`/openapi/v3/api/v1`). */
export function openApiV3CoreV1(): Json {
  const v2 = openApiV2() as { paths: Record<string, Json> };
  const paths = Object.fromEntries(
    Object.entries(v2.paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([key, value]) =>
          key === "parameters"
            ? [key, (value as Json[]).map(({ type, uniqueItems: _u, ...p }) => ({ ...p, schema: { type } }))]
            : [key, operationV3(value as Json)],
        ),
      ),
    ]),
  );
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: EMULATED_KUBERNETES_VERSION.gitVersion },
    paths,
    components: { schemas: toV3(DEFINITIONS) },
  };
}

const V3_HASH = createHash("sha512")
  .update(JSON.stringify(openApiV3CoreV1()))
  .digest("hex")
  .slice(0, 128)
  .toUpperCase();

/** `/openapi/v3`: the group-versions and where their documents are (with a hash clients cache by). */
export function openApiV3Root(): Json {
  return { paths: { "api/v1": { serverRelativeURL: `/openapi/v3/api/v1?hash=${V3_HASH}` } } };
}
