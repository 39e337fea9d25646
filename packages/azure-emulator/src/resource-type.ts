/**
 * The shape of per-type knowledge. Every resource type the emulator serves is one
 * {@link ResourceTypeSpec} — data read by the one generic provider (`arm-provider.ts`): its LRO header
 * style, latency key, required fields, references that must exist, read-only fields, actions, and a few
 * hooks where a type has rules of its own (overlapping subnets, soft-deleted vaults).
 */
import type { ApiVersionSchema } from "./arm-schema/index.js";
import type { KubernetesApi } from "./dataplane.js";
import type { ResourceStore, StoredResource } from "./store.js";

/**
 * How a write answers while it runs, i.e. what the SDK client of that type polls:
 * - `sync`: done at once (200/201).
 * - `azure-async-operation`: 201/200 + `Azure-AsyncOperation` status URL (body.status).
 * - `location`: 202 + `Location` result URL (202 while running, then the final answer).
 * - `provisioning-state`: 201/200 with the body; the client polls the resource's provisioningState.
 * - `accepted-async-operation`: 202 + `Azure-AsyncOperation` + `Location` + `Retry-After`, no body: the
 *   final state comes from the operation (PostgreSQL, private DNS; Azure Managed Redis PATCH and DELETE).
 */
export type LroStyle =
  "sync" | "azure-async-operation" | "location" | "provisioning-state" | "accepted-async-operation";

/** A property holding the id of another resource that must exist. */
export interface ReferenceRule {
  /** Dotted path into the request body; `[]` walks an array, e.g. `properties.subnets[].id`. */
  readonly path: string;
  /** ARM type the id must name. */
  readonly type: string;
  /** @default "InvalidResourceReference" */
  readonly code?: string;
  /** The referenced resource must be in the same region (a NAT gateway's public IPs). @default false */
  readonly sameLocation?: boolean;
}

/** What the core lends to type hooks. */
export interface ProviderEnv {
  readonly store: ResourceStore;
  now(): number;
  timeScale(): number;
  /** `https://127.0.0.1:<port>` of the ARM listener. */
  readonly armOrigin: string;
  readonly caCertPem: string;
  readonly kubernetes: KubernetesApi;
  /** The Kubernetes API URL of a cluster (kubeconfig `server`). */
  kubernetesServerUrl(clusterId: string): string;
  /** Opens the vault's data-plane origin; resolves to its URI `https://127.0.0.1:<port>/`. */
  openVault(vault: StoredResource): Promise<string>;
  /** Closes the vault's origin (soft delete). */
  closeVault(vault: StoredResource): Promise<void>;
  /** Forgets a purged vault's secrets. */
  purgeVault(vaultId: string): void;
  /** Creates or replaces a resource at once, `Succeeded` (a VNet's embedded subnets). */
  putResource(
    type: string,
    id: string,
    name: string,
    parentId: string,
    body: Record<string, unknown>,
  ): StoredResource;
  /** Removes a resource and everything below it, running their delete hooks. */
  removeResource(id: string): Promise<void>;
  /** The Entra tenant a subscription belongs to (lower-case GUID): the tenant of its identities. */
  tenantOf(subscriptionId: string): string;
}

/** A write being validated: the new body and, for updates, the resource as it is. */
export interface WriteContext {
  readonly id: string;
  readonly name: string;
  readonly parentId: string;
  readonly body: Record<string, unknown>;
  /** The request body as sent, write-only members included (a vault's `createMode`). */
  readonly request: Record<string, unknown>;
  readonly existing: StoredResource | undefined;
  readonly env: ProviderEnv;
}

/** The answer of a POST action. */
export interface ActionResult {
  readonly status: number;
  readonly body?: unknown;
}

/** Everything the emulator knows about one ARM resource type. */
export interface ResourceTypeSpec {
  /** Canonical ARM type, e.g. `Microsoft.Network/virtualNetworks/subnets`. */
  readonly type: string;
  /**
   * The request and response definitions of each api-version served, transcribed from Azure's REST
   * specs (`arm-schema/definitions/`). With them, a request the api-version does not define is refused
   * as ARM refuses it, and answers carry only what the definition has. A type without them is served
   * leniently, and the registry's test lists it as missing.
   */
  readonly schemas?: readonly ApiVersionSchema[];
  /** LRO style of PUT. */
  readonly putStyle: LroStyle;
  /** LRO style of PATCH. @default the PUT style */
  readonly patchStyle?: LroStyle;
  readonly deleteStyle: LroStyle;
  /** Tracked resources need a `location`, one of Azure's regions. @default false */
  readonly tracked?: boolean;
  /** The only location is `global` (private DNS). @default false */
  readonly globalLocation?: boolean;
  /** The spec has no DELETE for the type: ARM answers 405 (PostgreSQL server parameters). @default false */
  readonly noDelete?: boolean;
  /**
   * `provisioningState` while an operation runs, where the type's own enum differs from ARM's
   * `Creating` / `Updating` / `Deleting` (a vault registers its DNS name: `RegisteringDns`).
   */
  readonly transitionalStates?: {
    readonly create?: string;
    readonly update?: string;
    readonly delete?: string;
  };
  /**
   * A PUT that changes nothing on an existing resource answers 200 with it at once, whatever
   * {@link putStyle} says (a storage account: "200 -- returned when the storage account was already
   * created from a previous request with the same properties"). @default false
   */
  readonly unchangedPutAnswersAtOnce?: boolean;
  /**
   * An extension resource, written at any scope (`<scope>/providers/<type>/<name>`, role assignments): a
   * scope that is a resource the emulator serves must exist, or ARM answers 404 `ResourceNotFound`.
   * @default false
   */
  readonly extension?: boolean;
  /** Allowed names (ARM's naming rules); checked on create. */
  readonly namePattern?: RegExp;
  /** Names unique across every subscription (DNS names); the code answered when taken. */
  readonly globalNameTakenCode?: string;
  /**
   * The code answered instead of {@link globalNameTakenCode} when the name is held in another resource
   * group of the same subscription, where the type words it apart (storage:
   * `StorageAccountInAnotherResourceGroup`), and its message.
   */
  readonly nameInAnotherResourceGroup?: { readonly code: string; readonly message: (name: string) => string };
  /** Dotted body paths that must be present. */
  readonly required?: readonly string[];
  readonly references?: readonly ReferenceRule[];
  /** Code of the 409 for a write while an operation runs. @default "AnotherOperationInProgress" */
  readonly busyCode?: string;
  /**
   * Refuse a write while an operation runs on the parent or a sibling of this type, as the network
   * provider does for parallel subnet writes (429) and PostgreSQL for parallel configuration writes.
   */
  readonly parentBusy?: { readonly status: number; readonly code: string };
  /** Body paths never stored nor answered (passwords). */
  readonly writeOnly?: readonly string[];
  /** Body paths the service owns: a value a caller sends there is dropped, the service's answered. */
  readonly readOnlyPaths?: readonly string[];
  /** Values the service fills in on create where the body leaves them out, by dotted body path. */
  readonly createDefaults?: Readonly<Record<string, unknown>>;
  /**
   * How the service refuses a tenant that may no longer create this type (new customers of a retiring
   * service). Answered on create only while a `new-customer-create-refused` fault matches the request.
   */
  readonly newCustomerRefusal?: { readonly status: number; readonly code: string; readonly message: string };
  /** Type-specific validation; throws an ArmError. */
  validate?(write: WriteContext): void;
  /** Read-only fields fixed at create (merged over the body in answers). */
  synthesize?(resource: StoredResource, env: ProviderEnv): Record<string, unknown>;
  /**
   * Writable members the service fills when a request leaves them out (a public IP's SKU, an NSG's
   * `securityRules: []`): merged under the body in answers, so what the caller sent wins.
   */
  defaults?(resource: StoredResource, env: ProviderEnv): Record<string, unknown>;
  /** Members only the answer to a write carries, never a GET (Redis `accessKeys`). */
  writeAnswerExtra?(resource: StoredResource): Record<string, unknown>;
  /** Values kept for actions only, made at create (keys). */
  makeSecrets?(): Record<string, string>;
  /** Runs after a PUT is accepted (e.g. open a data plane). May refresh read-only fields. */
  afterWrite?(resource: StoredResource, env: ProviderEnv): Promise<void>;
  /** Runs when the resource is gone (e.g. soft-delete a vault, close a cluster's API). */
  afterDelete?(resource: StoredResource, env: ProviderEnv): Promise<void>;
  /**
   * Refuse DELETE while another resource references this one or one of its children (a subnet used by
   * a private endpoint), answering 400 with this code, e.g. `InUseSubnetCannotBeDeleted`.
   * @default - deletable whatever references it
   */
  readonly inUseCode?: string;
  /** Fields computed from other resources at read time (a VNet's subnets). */
  renderExtra?(resource: StoredResource, env: ProviderEnv): Record<string, unknown>;
  /** POST actions by lower-case name. */
  readonly actions?: Readonly<
    Record<
      string,
      (resource: StoredResource, env: ProviderEnv, url: URL) => ActionResult | Promise<ActionResult>
    >
  >;
}
