/**
 * The resource types the emulated API server serves, as data: names for discovery and URLs, the naming
 * rule, and the defaulting and validation the real server applies on every write. Adding a type means
 * adding a row here (or, for an add-on's CRD, in `addon-kinds.ts`), not a code path.
 */
import type { KubeObject } from "./kube-object";
import { isJsonObject } from "./kube-object";
import type { ProtoMessage } from "./protobuf";
import { OBJECT_META } from "./protobuf";
import { kubernetesErrors } from "./status";
import { ADDON_KINDS, type AddOnName } from "./addon-kinds";

/** One column of `kubectl get`'s table for a kind. */
export interface TableColumn {
  readonly name: string;
  readonly type: "string" | "integer";
  readonly format?: string;
  readonly description: string;
  cell(object: KubeObject): string | number;
}

/** A resource type the API server serves: of the core group (`v1`) or an add-on's CRD group. */
export interface ResourceKind {
  /** API group; empty for the core group (`/api/v1`), else `/apis/<group>/<version>`. */
  readonly group: string;
  readonly version: string;
  /** URL segment and RBAC resource, e.g. `secrets`. */
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Name rule: DNS-1123 label (namespaces) or subdomain (most objects). */
  readonly nameRule: "dns1123Label" | "dns1123Subdomain";
  /** Columns after `Name` (an `Age` column is added to every kind). */
  readonly columns: readonly TableColumn[];
  /** Extra `fieldSelector` fields beyond `metadata.name` and `metadata.namespace`. */
  readonly selectableFields: Readonly<Record<string, (object: KubeObject) => string>>;
  /**
   * Defaulting and validation on create and update; `previous` is the stored object on updates.
   * Returns the object to store.
   */
  admit(object: KubeObject, previous: KubeObject | undefined): KubeObject;
  /**
   * A DELETE answers the object as it starts terminating (namespaces); otherwise a `Success` Status
   * naming the deleted object (secrets and most kinds). @default false
   */
  readonly deleteAnswersObject?: boolean;
  /** Top-level members the kind's schema has; others are unknown fields (`fieldValidation`). */
  readonly fields: readonly string[];
  /**
   * An applied configuration as the fields it sets (server-side apply): write-only inputs folded into
   * what they stand for (a Secret's `stringData` into base64 `data`). @default as sent
   */
  readonly appliedFields?: (configuration: KubeObject) => KubeObject;
  /**
   * The kind's protobuf layout (`k8s.io.api.core.v1`), for bodies kubectl sends as protobuf. Absent for
   * CRDs, which the API server serves as JSON only.
   */
  readonly protobuf?: ProtoMessage;
}

/** A kind's `apiVersion`: `v1` for the core group, else `<group>/<version>`. */
export function apiVersionOf(kind: Pick<ResourceKind, "group" | "version">): string {
  return kind.group === "" ? kind.version : `${kind.group}/${kind.version}`;
}

/** The verbs the emulator serves for every kind. */
export const SERVED_VERBS = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
] as const;

/** `metadata` members of every kind (ObjectMeta). */
export const OBJECT_META_FIELDS = [
  "name",
  "generateName",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
  "selfLink",
] as const;

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Secrets: `stringData` is write-only, merged into base64 `data` (its keys win) and never stored;
 * `data` values must be base64; `type` defaults to `Opaque` and, like `immutable` data, cannot change.
 */
function admitSecret(object: KubeObject, previous: KubeObject | undefined): KubeObject {
  const name = object.metadata.name ?? "";
  const { stringData, ...rest } = object;
  const data: Record<string, string> = {};
  for (const [source, encode] of [
    [rest.data, (value: string) => value],
    [stringData, (value: string) => Buffer.from(value, "utf8").toString("base64")],
  ] as const) {
    if (source === undefined || source === null) continue;
    if (!isJsonObject(source)) throw kubernetesErrors.badRequest("Secret data must be an object of strings");
    for (const [key, value] of Object.entries(source)) {
      if (typeof value !== "string")
        throw kubernetesErrors.badRequest(`Secret data "${key}" must be a string`);
      if (!SECRET_KEY.test(key)) {
        throw kubernetesErrors.invalid(
          "Secret",
          name,
          `data[${key}]`,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        );
      }
      if (source === rest.data && !BASE64.test(value)) {
        throw kubernetesErrors.badRequest(
          `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at key "${key}"`,
        );
      }
      data[key] = encode(value);
    }
  }
  const type = typeof rest.type === "string" && rest.type !== "" ? rest.type : "Opaque";
  if (previous) {
    if (previous.type !== type) throw kubernetesErrors.invalid("Secret", name, "type", "field is immutable");
    if (previous.immutable === true && JSON.stringify(previous.data ?? {}) !== JSON.stringify(data)) {
      throw kubernetesErrors.invalid("Secret", name, "data", "field is immutable when `immutable` is set");
    }
  }
  const admitted: KubeObject = { ...rest, type };
  if (Object.keys(data).length > 0) admitted.data = data;
  else delete admitted.data;
  return admitted;
}

/**
 * Namespaces: the `kubernetes` finalizer, phase `Active`, and the `kubernetes.io/metadata.name` label
 * the API server has set on every namespace since 1.21.
 */
function admitNamespace(object: KubeObject, previous: KubeObject | undefined): KubeObject {
  const name = object.metadata.name ?? "";
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata.labels, "kubernetes.io/metadata.name": name },
    },
    spec: previous?.spec ?? { finalizers: ["kubernetes"] },
    status: previous?.status ?? { phase: "Active" },
  };
}

/** `v1` Namespace: cluster-scoped, short name `ns`. */
export const NAMESPACES: ResourceKind = {
  group: "",
  version: "v1",
  plural: "namespaces",
  singular: "namespace",
  kind: "Namespace",
  namespaced: false,
  shortNames: ["ns"],
  nameRule: "dns1123Label",
  columns: [
    {
      name: "Status",
      type: "string",
      description: "The status of the namespace",
      cell: (object) => String((object.status as { phase?: string } | undefined)?.phase ?? ""),
    },
  ],
  selectableFields: {
    "status.phase": (object) => String((object.status as { phase?: string } | undefined)?.phase ?? ""),
  },
  admit: admitNamespace,
  deleteAnswersObject: true,
  fields: ["apiVersion", "kind", "metadata", "spec", "status"],
  protobuf: {
    fields: {
      1: { name: "metadata", type: OBJECT_META },
      2: { name: "spec", type: { fields: { 1: { name: "finalizers", type: "string", repeated: true } } } },
    },
  },
};

/** `v1` Secret: namespaced; `data` is base64, `stringData` write-only. */
export const SECRETS: ResourceKind = {
  group: "",
  version: "v1",
  plural: "secrets",
  singular: "secret",
  kind: "Secret",
  namespaced: true,
  shortNames: [],
  nameRule: "dns1123Subdomain",
  columns: [
    {
      name: "Type",
      type: "string",
      description: "The type of the secret",
      cell: (object) => String(object.type ?? ""),
    },
    {
      name: "Data",
      type: "integer",
      description: "The number of entries in the secret's data",
      cell: (object) => Object.keys(isJsonObject(object.data) ? object.data : {}).length,
    },
  ],
  selectableFields: { type: (object) => String(object.type ?? "") },
  admit: admitSecret,
  fields: ["apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"],
  appliedFields: (configuration) => {
    const { stringData, ...rest } = configuration;
    if (!isJsonObject(stringData)) return rest as KubeObject;
    const data = { ...(isJsonObject(rest.data) ? rest.data : {}) };
    for (const [key, value] of Object.entries(stringData))
      data[key] = Buffer.from(String(value), "utf8").toString("base64");
    return { ...rest, data } as KubeObject;
  },
  protobuf: {
    fields: {
      1: { name: "metadata", type: OBJECT_META },
      2: { name: "data", type: "bytes", map: true },
      3: { name: "type", type: "string" },
      4: { name: "stringData", type: "string", map: true },
      5: { name: "immutable", type: "bool" },
    },
  },
};

/** `v1` ObjectReference as a ServiceAccount lists its secrets (core/v1 generated.proto). */
const OBJECT_REFERENCE = {
  fields: {
    1: { name: "kind", type: "string" },
    2: { name: "namespace", type: "string" },
    3: { name: "name", type: "string" },
    4: { name: "uid", type: "string" },
    5: { name: "apiVersion", type: "string" },
    6: { name: "resourceVersion", type: "string" },
    7: { name: "fieldPath", type: "string" },
  },
} as const;

/**
 * `v1` ServiceAccount: namespaced, short name `sa`; workload identity reads its
 * `azure.workload.identity/client-id` annotation. No token Secret is made for it (Kubernetes 1.24+).
 */
export const SERVICE_ACCOUNTS: ResourceKind = {
  group: "",
  version: "v1",
  plural: "serviceaccounts",
  singular: "serviceaccount",
  kind: "ServiceAccount",
  namespaced: true,
  shortNames: ["sa"],
  nameRule: "dns1123Subdomain",
  columns: [
    {
      name: "Secrets",
      type: "integer",
      description: "The number of secrets the service account lists",
      cell: (object) => (Array.isArray(object.secrets) ? object.secrets.length : 0),
    },
  ],
  selectableFields: {},
  // Nothing of its own to default or check.
  admit: (object) => object,
  fields: ["apiVersion", "kind", "metadata", "secrets", "imagePullSecrets", "automountServiceAccountToken"],
  protobuf: {
    fields: {
      1: { name: "metadata", type: OBJECT_META },
      2: { name: "secrets", type: OBJECT_REFERENCE, repeated: true },
      3: {
        name: "imagePullSecrets",
        type: { fields: { 1: { name: "name", type: "string" } } },
        repeated: true,
      },
      4: { name: "automountServiceAccountToken", type: "bool" },
    },
  },
};

/** Every kind, in discovery order: the core group's, then the add-ons' (served only with the add-on). */
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  NAMESPACES,
  SECRETS,
  SERVICE_ACCOUNTS,
  ...ADDON_KINDS,
];

/** The kind served under a group, version and URL segment, if any (`group` empty for the core group). */
export function kindAt(group: string, version: string, plural: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find(
    (kind) => kind.group === group && kind.version === version && kind.plural === plural,
  );
}

/** The add-on a kind comes with, if it is an add-on's CRD. */
export function addOnOf(kind: ResourceKind): AddOnName | undefined {
  return ADDON_KINDS.find((candidate) => candidate === kind)?.addOn;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Refuses names the real API server refuses (422 Invalid), with its wording. */
export function validateName(kind: ResourceKind, name: string): void {
  const [pattern, maxLength, rule] =
    kind.nameRule === "dns1123Label"
      ? [DNS1123_LABEL, 63, "a lowercase RFC 1123 label"]
      : [DNS1123_SUBDOMAIN, 253, "a lowercase RFC 1123 subdomain"];
  if (!pattern.test(name) || name.length > maxLength) {
    throw kubernetesErrors.invalid(
      kind.kind,
      name,
      "metadata.name",
      `Invalid value: "${name}": must be ${rule} of at most ${maxLength} characters`,
    );
  }
}
