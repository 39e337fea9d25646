/**
 * The HTTP API as data: each operation's function name, method, route and documented answers. The
 * registrations (`http-api.ts`) and the OpenAPI document (`openapi.ts`) are both built from this
 * table, so the document cannot drift from what is served.
 */

/** A documented answer: its description and the component schema of its body, if any. */
export interface ApiResponse {
  readonly description: string;
  /** Name under `components.schemas`. */
  readonly schema?: string;
  /** @default "application/json" (problems: "application/problem+json") */
  readonly mediaType?: string;
  /** The same answer in other media types the client may ask for with `Accept`, with their schemas. */
  readonly alternatives?: readonly { readonly mediaType: string; readonly schema: string }[];
}

/** One operation of the API. */
export interface ApiRoute {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Route template below the `api/` prefix, in Functions syntax (`environments/{name}`). */
  readonly route: string;
  readonly summary: string;
  /** Whether the body is an environment spec (JSON or YAML); `optional` for the plan preview. */
  readonly specBody?: "required" | "optional";
  /** Whether the body is Opta's files (multipart parts or JSON), for the import. */
  readonly optaFilesBody?: true;
  /** Whether the body is a TLS certificate with its key (PEM or PFX), for the certificate upload. */
  readonly certificateBody?: true;
  /** Descriptions of path parameters other than `name` (the environment id). */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** Request headers: name ⇒ description. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query parameters: name ⇒ allowed values (none listed: any value of `type`) and description. */
  readonly query?: Readonly<
    Record<
      string,
      {
        readonly values: readonly string[];
        readonly description: string;
        readonly type?: "integer" | "string";
      }
    >
  >;
  readonly responses: Readonly<Record<string, ApiResponse>>;
}

const problem = (description: string): ApiResponse => ({
  description,
  schema: "Problem",
  mediaType: "application/problem+json",
});
const unknown = problem("No environment with this id has been applied.");
const badId = problem("The id cannot name an environment (ids are <org_name>-<name>).");
const unsupportedMedia = problem(
  "The body is neither JSON nor YAML (send application/json or application/yaml).",
);
const busy = problem("A build or destroy of this environment is running.");

/** Every operation, keyed by its function name (also the OpenAPI `operationId`). */
export const API_ROUTES = {
  postEnvironment: {
    method: "POST",
    route: "environments",
    summary: "Build or re-apply an environment from its spec",
    specBody: "required",
    responses: {
      "202": { description: "The build started; poll the Location.", schema: "AcceptedOperation" },
      "400": problem(
        "The spec is invalid, or preflight found what Azure would refuse (title `Refused before the first write`); `problems` lists every problem with its path. Nothing was written or started.",
      ),
      "409": busy,
      "415": unsupportedMedia,
      "503": problem(
        "Preflight could not finish (Azure throttled or failed a read, a provider is registering); `deferred` says why. Nothing was written or started: send the same request again after `Retry-After` seconds.",
      ),
    },
  },
  listEnvironments: {
    method: "GET",
    route: "environments",
    summary: "List every environment's record",
    responses: { "200": { description: "All environments.", schema: "EnvironmentList" } },
  },
  getEnvironment: {
    method: "GET",
    route: "environments/{name}",
    summary: "An environment's record and the live progress of its running operation",
    responses: {
      "200": { description: "The environment.", schema: "Environment" },
      "400": badId,
      "404": unknown,
    },
  },
  deleteEnvironment: {
    method: "DELETE",
    route: "environments/{name}",
    summary: "Destroy an environment",
    query: {
      keyVault: {
        values: ["keep", "purge"],
        description:
          "What happens to the soft-deleted Key Vault: keep it recoverable (default) or purge it (refused by Azure while purge protection is on).",
      },
    },
    responses: {
      "202": { description: "The destroy started; poll the Location.", schema: "AcceptedOperation" },
      "400": problem("An invalid id or query parameter."),
      "404": unknown,
      "409": busy,
    },
  },
  previewEnvironmentPlan: {
    method: "POST",
    route: "environments/{name}/plan",
    summary: "What applying would change against the live state, per resource, and what preflight finds",
    specBody: "optional",
    responses: {
      "200": {
        description:
          "Per-resource changes (create, update, unchanged, blocked or unknown) and `preflight`: what Azure would refuse of the spec, found before any write.",
        schema: "PlanPreview",
      },
      "400": problem("The id or the spec is invalid, or the spec names another environment."),
      "404": unknown,
      "415": unsupportedMedia,
    },
  },
  cancelEnvironment: {
    method: "POST",
    route: "environments/{name}/cancel",
    summary: "Terminate the environment's running build or destroy",
    responses: {
      "202": {
        description:
          "The build or destroy and its per-node sub-orchestrations stopped; the record says canceled, `leftInAzure` names the resources Azure was still writing.",
        schema: "Environment",
      },
      "400": badId,
      "404": unknown,
      "409": problem("Nothing is running for this environment."),
    },
  },
  putEnvironmentCertificate: {
    method: "PUT",
    route: "environments/{name}/certificates/{certificate}",
    summary:
      "Upload the TLS certificate of an external-ssl-cert module: checked, then imported into the environment's Key Vault",
    certificateBody: true,
    pathParameters: {
      certificate: "The external-ssl-cert module's name (its `name`, else `external-ssl-cert`).",
    },
    headers: { "x-pfx-password": "The PFX's password, when it has one (never logged, never kept)." },
    responses: {
      "201": {
        description:
          "Imported as a new version of the Key Vault certificate; the answer never holds the key. A build waiting for it goes on.",
        schema: "CertificateUpload",
      },
      "200": {
        description: "Key Vault already holds this certificate as its current version: nothing imported.",
        schema: "CertificateUpload",
      },
      "400": problem(
        "The upload is refused: `code` says why (NotACertificate, PrivateKeyMissing, EncryptedPrivateKey, PfxUnreadable, KeyMismatch, CertificateNotYetValid, CertificateExpired, DomainNotCovered, WrongChainOrder).",
      ),
      "404": problem("No such environment, or its spec has no external-ssl-cert module of that name."),
      "409": problem(
        "The module names a certificate kept elsewhere (key_vault_certificate_id), or the environment's Key Vault does not exist yet.",
      ),
      "413": problem("The body is larger than 256 KiB."),
      "415": problem("The body is neither application/x-pem-file nor application/x-pkcs12."),
      "503": problem(
        "Key Vault does not take the certificate yet (access still propagating); retry after Retry-After.",
      ),
    },
  },
  getEnvironmentGraph: {
    method: "GET",
    route: "environments/{name}/graph",
    summary: "The recorded spec's plan as a graph: nodes, stages, dependencies, estimates, critical path",
    responses: {
      "200": {
        description:
          "Every resource with its kind, stage, dependencies, estimated duration and schedule, the critical path, and a layered drawing's positions (`layer`, `order`). No desired state.",
        schema: "PlanGraph",
      },
      "400": badId,
      "404": unknown,
    },
  },
  getEnvironmentHistory: {
    method: "GET",
    route: "environments/{name}/history",
    summary:
      "Who asked for which apply, destroy and cancel of the environment, and how each ended (newest first)",
    query: {
      top: { values: [], type: "integer", description: "Entries per page, 1–200 (default 50)." },
      continuation: {
        values: [],
        description: "The `continuation` of the previous page, for the next one.",
      },
    },
    responses: {
      "200": { description: "A page of audit entries, newest first.", schema: "AuditPage" },
      "400": problem("An invalid id, top or continuation."),
      "404": unknown,
    },
  },
  importOptaEnvironment: {
    method: "POST",
    route: "environments/import-opta",
    summary: "Convert an Opta environment file and its service files into one spec (nothing is started)",
    optaFilesBody: true,
    responses: {
      "200": {
        description:
          "The spec, its YAML (headed by the warnings) and the warnings: what was replaced, renamed or not carried over. With `Accept: application/yaml`, the YAML alone.",
        schema: "OptaImport",
        alternatives: [{ mediaType: "application/yaml", schema: "SpecYaml" }],
      },
      "400": problem(
        "The files cannot be converted; `problems` lists every problem with its path, prefixed with the file (`environment`, `services[0]`, …).",
      ),
      "413": problem("The body is larger than 1 MiB."),
      "415": problem("The body is neither multipart/form-data nor JSON."),
    },
  },
  getDashboard: {
    method: "GET",
    route: "dashboard",
    summary: "The dashboard: a web page listing the environments and following each build live",
    responses: {
      "200": {
        description:
          "An HTML page (open it with the key as `?code=…`: its script calls this API with the same key).",
        schema: "HtmlPage",
        mediaType: "text/html",
      },
    },
  },
  getOpenApiDocument: {
    method: "GET",
    route: "openapi.json",
    summary: "This OpenAPI document",
    responses: { "200": { description: "OpenAPI 3.1 document." } },
  },
} as const satisfies Record<string, ApiRoute>;

/** Function names of the API. */
export type ApiFunctionName = keyof typeof API_ROUTES;
