/**
 * The OpenAPI 3.1 document of the API: paths from the route table (`api-routes.ts`), the spec's schema
 * generated from the very zod schemas that validate it, and the answers' shapes.
 */
import { z } from "zod";
import { MODULE_SCHEMAS, specEnvelopeSchema } from "../lib/spec/schema";
import { API_ROUTES, type ApiResponse, type ApiRoute } from "./api-routes";

type JsonSchema = Record<string, unknown>;

/** Component names of the spec's module schemas, by module type. */
const MODULE_COMPONENTS: Readonly<Record<keyof typeof MODULE_SCHEMAS, string>> = {
  base: "BaseModule",
  "k8s-cluster": "ClusterModule",
  postgres: "PostgresModule",
  redis: "RedisModule",
  "k8s-base": "IngressModule",
  "external-ssl-cert": "CertificateModule",
  dns: "DnsModule",
  storage: "StorageModule",
};

/** JSON Schema of what a user writes (input side: defaults are optional), without the `$schema` key. */
function fromZod(schema: z.ZodType): JsonSchema {
  // Refinements (CIDR overlap, known locations, …) are not expressible; validation reports them.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest as JsonSchema;
}

function specSchemas(): Record<string, JsonSchema> {
  const envelope = fromZod(specEnvelopeSchema) as { properties: Record<string, JsonSchema> };
  const moduleRefs = Object.values(MODULE_COMPONENTS).map((name) => ({
    $ref: `#/components/schemas/${name}`,
  }));
  envelope.properties.modules = { ...envelope.properties.modules, items: { oneOf: moduleRefs } };
  const modules = Object.fromEntries(
    Object.entries(MODULE_SCHEMAS).map(([type, schema]) => [
      MODULE_COMPONENTS[type as keyof typeof MODULE_SCHEMAS],
      fromZod(schema),
    ]),
  );
  return { EnvironmentSpec: envelope, ...modules };
}

const string = { type: "string" };
const object = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: "object",
  properties,
  ...(required.length > 0 ? { required } : {}),
});
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Shapes of the answers (documented by hand: they are TypeScript types, not zod schemas). */
const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  SpecProblem: object(
    {
      path: { ...string, description: "e.g. modules[1].max_nodes; empty for the whole document" },
      message: string,
      check: {
        ...string,
        description:
          "Preflight's findings only: the check (tenant, subscription, permissions, providers, names, kubernetesVersion, vmSize, quota, postgres, managedRedis, changes).",
      },
      code: { ...string, description: "Preflight's findings only: e.g. NameUnavailable, QuotaExceeded." },
    },
    ["path", "message"],
  ),
  PreflightReport: object(
    {
      outcome: { enum: ["passed", "refused", "deferred"] },
      problems: { type: "array", items: ref("SpecProblem") },
      warnings: { type: "array", items: ref("SpecProblem") },
      deferred: { type: "array", items: ref("SpecProblem") },
      retryAfterSec: { type: "integer" },
      requests: object({ reads: { type: "integer" }, writes: { type: "integer" } }, ["reads", "writes"]),
      quotaClaims: {
        type: "array",
        description:
          "What the environment takes of each quota it was checked against (a batch adds these up).",
        items: object(
          {
            usage: { ...string, description: "`<subscription>/<location>/<usage name>`, lower-case." },
            label: string,
            demand: { type: "integer" },
            available: { type: "integer", description: "The limit less what was in use, when read." },
            path: string,
          },
          ["usage", "label", "demand", "available", "path"],
        ),
      },
    },
    ["outcome", "problems", "warnings", "deferred", "requests"],
  ),
  Problem: object(
    {
      type: string,
      title: string,
      status: { type: "integer" },
      detail: string,
      problems: {
        type: "array",
        items: ref("SpecProblem"),
        description: "Every validation or preflight problem (400).",
      },
      warnings: { type: "array", items: ref("SpecProblem") },
      deferred: {
        type: "array",
        items: ref("SpecProblem"),
        description: "The preflight checks that could not finish (503).",
      },
      environmentId: string,
    },
    ["title", "status"],
  ),
  LastOperation: object(
    {
      action: { enum: ["apply", "destroy"] },
      instanceId: string,
      requestedBy: string,
      batchInstanceId: string,
      status: { enum: ["running", "succeeded", "failed", "canceled"] },
      startedAt: { ...string, format: "date-time" },
      endedAt: { ...string, format: "date-time" },
    },
    ["action", "instanceId", "requestedBy", "status", "startedAt"],
  ),
  Environment: object(
    {
      environmentId: string,
      org: string,
      name: string,
      spec: { description: "The validated spec with every default applied." },
      pinnedDefaults: { type: "object" },
      planHash: string,
      lastOperation: ref("LastOperation"),
      resultSummary: {
        type: "object",
        description: "Node counts per state and each failure with Azure's code and message.",
      },
      outputs: { type: "object", description: "Endpoints, FQDNs and secret names; never secret values." },
      runtimeStatus: {
        ...string,
        description: "The Durable instance's status, while it belongs to the last operation.",
      },
      progress: {
        type: "object",
        description:
          "Live progress: stage, per-resource state, elapsed time, ETA, last error, failures, and `timeline` (each started resource's startSec and endSec since the operation began, wall-clock).",
      },
      createdAt: { ...string, format: "date-time" },
      updatedAt: { ...string, format: "date-time" },
    },
    ["environmentId", "org", "name", "planHash", "createdAt", "updatedAt"],
  ),
  EnvironmentList: object({ environments: { type: "array", items: ref("Environment") } }, ["environments"]),
  AcceptedOperation: object(
    {
      environmentId: string,
      action: { enum: ["apply", "destroy"] },
      planHash: string,
      statusUrl: { ...string, description: "GET this for the record and live progress." },
      id: string,
      statusQueryGetUri: string,
      sendEventPostUri: string,
      terminatePostUri: string,
      purgeHistoryDeleteUri: string,
      warnings: { type: "array", items: ref("SpecProblem") },
    },
    ["environmentId", "action", "statusUrl"],
  ),
  OptaImport: object(
    {
      spec: { ...ref("EnvironmentSpec"), description: "The converted spec, valid as it is." },
      specYaml: ref("SpecYaml"),
      warnings: {
        type: "array",
        items: ref("SpecProblem"),
        description: "Paths are prefixed with the file.",
      },
    },
    ["spec", "specYaml", "warnings"],
  ),
  AuditEntry: object(
    {
      id: { ...string, description: "Row key: inverted time and a random suffix." },
      environmentId: string,
      at: { ...string, format: "date-time" },
      event: { enum: ["request", "operationEnded"] },
      action: { enum: ["apply", "destroy", "cancel", "import-opta", "certificate-upload"] },
      outcome: { enum: ["accepted", "refused", "busy", "failed", "succeeded", "canceled"] },
      status: { type: "integer", description: "The HTTP status answered." },
      org: string,
      planHash: string,
      principal: object(
        {
          kind: { enum: ["user", "application", "functionKey", "queue", "provisioner"] },
          objectId: string,
          tenantId: string,
          name: string,
          username: string,
          appId: string,
          via: { enum: ["bearer", "easyAuth"] },
          queueMessageId: string,
        },
        ["kind"],
      ),
      client: object({ ip: string, forwardedFor: string, userAgent: string }),
      detail: string,
      operation: { type: "object", description: "For operationEnded: the operation as recorded." },
      invocationId: string,
    },
    ["id", "at", "event", "action", "outcome", "principal"],
  ),
  AuditPage: object(
    {
      environmentId: string,
      entries: { type: "array", items: ref("AuditEntry") },
      continuation: string,
      next: { ...string, description: "Path and query of the next page; absent on the last one." },
    },
    ["environmentId", "entries"],
  ),
  SpecYaml: {
    ...string,
    description: "The converted spec as YAML, headed by comments naming the files and the warnings.",
  },
  OptaFiles: object(
    {
      environment: { ...string, description: "The Opta environment file's text (YAML)." },
      services: { type: "array", items: string, description: "Opta service files' texts (YAML), in order." },
    },
    ["environment"],
  ),
  OptaFileParts: object(
    {
      environment: { ...string, format: "binary", description: "The Opta environment file." },
      service: {
        type: "array",
        items: { ...string, format: "binary" },
        description: "Opta service files (opta.yaml), one part each.",
      },
    },
    ["environment"],
  ),
  CertificateUpload: object(
    {
      environmentId: string,
      name: { ...string, description: "The certificate's name: its module's." },
      domain: string,
      imported: {
        type: "boolean",
        description: "False when Key Vault already held it as the current version.",
      },
      keyVaultId: { ...string, description: "Its Key Vault id, with the version." },
      version: string,
      thumbprint: { ...string, description: "SHA-1 of the certificate, hex." },
      subject: string,
      subjectAlternativeNames: { type: "array", items: string },
      notBefore: { ...string, format: "date-time" },
      expiresOn: { ...string, format: "date-time" },
      chainLength: { type: "integer" },
      warnings: { type: "array", items: string, description: "An expiry within 30 days." },
      buildNotified: { type: "boolean", description: "Whether a running build was told it came." },
    },
    ["environmentId", "name", "imported", "keyVaultId", "version", "thumbprint", "expiresOn"],
  ),
  PlanGraph: object(
    {
      environmentId: string,
      planHash: string,
      resourceGroup: string,
      location: string,
      estimatedBuildSec: { type: "number" },
      criticalPath: object({ keys: { type: "array", items: string }, lengthSec: { type: "number" } }),
      stages: {
        type: "array",
        items: object({
          stage: string,
          nodeCount: { type: "integer" },
          startSec: { type: "number" },
          finishSec: { type: "number" },
        }),
      },
      nodes: {
        type: "array",
        items: object(
          {
            key: string,
            kind: string,
            name: string,
            module: string,
            stage: string,
            dependsOn: { type: "array", items: string },
            estimatedDurationSec: { type: "number" },
            estimatedStartSec: { type: "number" },
            estimatedFinishSec: { type: "number" },
            critical: { type: "boolean" },
            layer: { type: "integer", description: "Column of a left-to-right layered drawing." },
            order: { type: "integer", description: "Row within its column." },
          },
          ["key", "kind", "name", "stage", "dependsOn", "estimatedDurationSec", "layer", "order"],
        ),
      },
    },
    ["environmentId", "planHash", "criticalPath", "nodes"],
  ),
  HtmlPage: { ...string, description: "An HTML document." },
  PlanPreview: object(
    {
      environmentId: string,
      planHash: string,
      lastAppliedPlanHash: string,
      changes: { type: "object", additionalProperties: { type: "integer" } },
      replacements: {
        type: "array",
        description:
          "Redis modules the spec moves to another engine (explicitly): a new, empty cache takes the old one's place; HIGH risk, data not migrated, the old resources left in place.",
        items: object(
          {
            module: string,
            from: { enum: ["azure-cache-for-redis", "azure-managed-redis"] },
            to: { enum: ["azure-cache-for-redis", "azure-managed-redis"] },
            risk: { enum: ["high"] },
            dataMigrated: { type: "boolean" },
            creates: { type: "array", items: string },
            leavesInPlace: { type: "array", items: string },
            message: string,
          },
          ["module", "from", "to", "risk", "dataMigrated", "creates", "leavesInPlace", "message"],
        ),
      },
      nodes: {
        type: "array",
        items: object(
          {
            key: string,
            kind: string,
            name: string,
            change: { enum: ["create", "update", "unchanged", "blocked", "replace", "unknown"] },
            changedPaths: { type: "array", items: string },
            immutablePaths: { type: "array", items: string },
            blockedReasons: { type: "array", items: string },
            reason: string,
            replaces: { type: "array", items: string },
            risk: { enum: ["high"] },
          },
          ["key", "kind", "name", "change"],
        ),
      },
      preflight: {
        ...ref("PreflightReport"),
        description: "What preflight found: what applying this spec would be refused for, before any write.",
      },
    },
    ["environmentId", "planHash", "changes", "nodes", "preflight"],
  ),
};

function operationOf(operationId: string, route: ApiRoute): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const [, name] of route.route.matchAll(/\{(\w+)\}/g)) {
    parameters.push({
      name,
      in: "path",
      required: true,
      schema: string,
      description: route.pathParameters?.[name ?? ""] ?? "The environment id, `<org_name>-<name>`.",
    });
  }
  for (const [name, description] of Object.entries(route.headers ?? {})) {
    parameters.push({ name, in: "header", required: false, schema: string, description });
  }
  for (const [name, query] of Object.entries(route.query ?? {})) {
    parameters.push({
      name,
      in: "query",
      required: false,
      schema: query.values.length > 0 ? { enum: query.values } : { type: query.type ?? "string" },
      description: query.description,
    });
  }
  const spec = { schema: ref("EnvironmentSpec") };
  return {
    operationId,
    summary: route.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.specBody
      ? {
          requestBody: {
            required: route.specBody === "required",
            description: "An environment spec as JSON or YAML.",
            content: { "application/json": spec, "application/yaml": spec },
          },
        }
      : {}),
    ...(route.certificateBody
      ? {
          requestBody: {
            required: true,
            description:
              "The certificate and its private key: PEM (the chain, leaf first, then the unencrypted key) or PFX. At most 256 KiB. The key goes to Key Vault only.",
            content: {
              "application/x-pem-file": { schema: { ...string } },
              "application/x-pkcs12": { schema: { ...string, format: "binary" } },
            },
          },
        }
      : {}),
    ...(route.optaFilesBody
      ? {
          requestBody: {
            required: true,
            description:
              "Opta's files: multipart parts `environment` (one) and `service` (any number), or JSON. At most 1 MiB in all, 256 KiB and 32 levels of nesting per file.",
            content: {
              "multipart/form-data": { schema: ref("OptaFileParts") },
              "application/json": { schema: ref("OptaFiles") },
            },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, response]: [string, ApiResponse]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? {
                  content: {
                    [response.mediaType ?? "application/json"]: { schema: ref(response.schema) },
                    ...Object.fromEntries(
                      (response.alternatives ?? []).map((alternative) => [
                        alternative.mediaType,
                        { schema: ref(alternative.schema) },
                      ]),
                    ),
                  },
                }
              : {}),
          },
        ]),
      ),
      "401": {
        description:
          "No valid function key (x-functions-key header or code query parameter), or, with sign-in on, no valid Microsoft Entra ID access token (problem+json and a WWW-Authenticate challenge).",
      },
      "403": {
        description:
          "With sign-in on: the caller's app role or organisation groups do not allow this (problem+json).",
        content: { "application/problem+json": { schema: ref("Problem") } },
      },
    },
  };
}

/**
 * The whole document.
 * @param serverUrl - origin the API is served from, e.g. `http://127.0.0.1:7071` (the `/api` prefix is added)
 */
export function buildOpenApiDocument(serverUrl?: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [operationId, route] of Object.entries(API_ROUTES) as [string, ApiRoute][]) {
    const path = `/${route.route}`;
    (paths[path] ??= {})[route.method.toLowerCase()] = operationOf(operationId, route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "azure-env-provisioner",
      version: "0.1.0",
      description:
        "Builds private-by-default application environments on Azure from Opta-style specs. Queue requests (`environment-requests`) are recorded in the `environmentRequestResults` table.",
    },
    servers: [{ url: `${serverUrl ?? ""}/api` }],
    // The function key is always needed; with sign-in on (docs/auth.md) an Entra ID token as well.
    security: [
      { functionKeyHeader: [], entraBearer: [] },
      { functionKeyQuery: [], entraBearer: [] },
      { functionKeyHeader: [] },
      { functionKeyQuery: [] },
    ],
    paths,
    components: {
      securitySchemes: {
        functionKeyHeader: { type: "apiKey", in: "header", name: "x-functions-key" },
        functionKeyQuery: { type: "apiKey", in: "query", name: "code" },
        entraBearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A Microsoft Entra ID v2.0 access token for the API's app registration, carrying an Environments.* app role (sign-in on: the default on Azure, PROVISIONER_AUTH=entra locally).",
        },
      },
      schemas: { ...specSchemas(), ...RESPONSE_SCHEMAS },
    },
  };
}
