/**
 * importOpta: an Opta environment file and its service files in, one spec of this service out. What is
 * carried (environment modules, the services' databases and caches with their Secrets in the service's
 * namespace under Opta's key names), what is replaced and what is dropped (each with a warning), and
 * every problem reported at the file and path it is in.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { planEnvironment } from "../../lib/plan/plan";
import type { KubernetesSecretDesired } from "../../lib/plan/types";
import { MAX_SPEC_BYTES } from "../../lib/spec/parse";
import {
  importOpta,
  MAX_OPTA_SERVICE_FILES,
  type OptaFile,
  type OptaImport,
} from "../../lib/spec/opta-import";
import type { SpecProblem } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";
import { repositoryRoot } from "../support/repository-root";

const file = (name: string): OptaFile => ({
  label: name,
  text: readFileSync(join(repositoryRoot(__dirname), "test", "fixtures", "opta", name), "utf8"),
});
const text = (label: string, lines: readonly string[]): OptaFile => ({ label, text: lines.join("\n") });

const ENVIRONMENT = file("environment.yaml");
const SERVICES = [file("api.yaml"), file("worker.yaml")];

function converted(result: OptaImport) {
  assert.deepEqual(result.ok ? [] : result.problems, []);
  assert.ok(result.ok);
  return result;
}

function refused(result: OptaImport): readonly SpecProblem[] {
  assert.equal(result.ok, false);
  return result.ok ? [] : result.problems;
}

/** An Azure environment file with a cluster, and a service file with the given modules. */
const environment = text("env.yaml", [
  "name: staging",
  "org_name: acme",
  "providers:",
  "  azurerm: { location: eastus2, tenant_id: 9b1c2d3e-4f50-4a6b-8c7d-0e1f2a3b4c5d, subscription_id: 00000000-0000-0000-0000-000000000002 }",
  "modules:",
  "  - type: base",
  "  - type: k8s-cluster",
]);
const service = (modules: readonly string[], label = "svc.yaml") =>
  text(label, ["name: svc", "modules:", ...modules.map((line) => `  ${line}`)]);

describe("importOpta on Opta-shaped files", () => {
  const result = converted(importOpta({ environment: ENVIRONMENT, services: SERVICES }));

  it("writes one spec: the environment's modules, then each service's databases and caches", () => {
    assert.deepEqual(result.spec, {
      name: "opta-ci",
      org_name: "acme",
      providers: {
        azurerm: {
          location: "centralus",
          tenant_id: "9b1c2d3e-4f50-4a6b-8c7d-0e1f2a3b4c5d",
          subscription_id: "00000000-0000-0000-0000-000000000002",
        },
      },
      modules: [
        { type: "base" },
        {
          type: "k8s-cluster",
          admin_group_object_ids: ["5d6e7f80-1a2b-4c3d-9e4f-a0b1c2d3e4f5"],
          max_nodes: 6,
        },
        { type: "k8s-base" },
        {
          type: "postgres",
          name: "api-db",
          sku_name: "Standard_D2ds_v5",
          engine_version: "17",
          kubernetes_secret: {
            namespace: "api",
            keys: {
              db_host: "db_db_host",
              db_user: "db_db_user",
              db_password: "db_db_password",
              db_name: "db_db_name",
            },
          },
        },
        {
          type: "redis",
          name: "cache",
          // Opta's `standard` (C2), as the Azure Managed Redis SKU Microsoft maps it to.
          sku_name: "Balanced_B3",
          kubernetes_secret: {
            namespace: "api",
            keys: { cache_host: "REDIS_HOST", cache_auth_token: "REDIS_PASSWORD" },
          },
        },
        {
          type: "postgres",
          name: "worker-db",
          sku_name: "Standard_D4ds_v5",
          kubernetes_secret: {
            namespace: "worker",
            keys: {
              db_host: "DATABASE_HOST",
              db_user: "DATABASE_USER",
              db_password: "DATABASE_PASSWORD",
              db_name: "DATABASE_NAME",
            },
          },
        },
      ],
    });
  });

  it("warns, file by file, about everything it replaced, renamed or did not carry over", () => {
    assert.deepEqual(
      result.warnings.map((warning) => warning.path),
      [
        "api.yaml:modules[0].engine_version",
        "api.yaml:modules[0].sku_name",
        "api.yaml:modules[0].name",
        "api.yaml:modules[1].sku_name",
        "api.yaml:modules[1].sku_name",
        "api.yaml:modules[2].type",
        "worker.yaml:modules[0].sku_name",
        "worker.yaml:modules[0].name",
        "worker.yaml:modules[1].type",
        "worker.yaml:modules[2].type",
      ],
    );
    const message = (path: string) => result.warnings.find((warning) => warning.path === path)?.message;
    assert.equal(
      message("api.yaml:modules[2].type"),
      '"k8s-service" is Opta\'s deployment of the application, which this service does not build; not carried over: image, min_containers, max_containers, port, healthcheck_path, public_uri; its links put the keys of db, cache into Kubernetes Secrets in namespace api',
    );
    assert.equal(
      message("worker.yaml:modules[0].sku_name"),
      '"GP_Gen5_4" is a Single Server SKU (General Purpose, 4 vCores), and Single Server is retired; the converted spec uses Standard_D4ds_v5, the nearest flexible server SKU (GeneralPurpose, 4 vCores)',
    );
    assert.equal(
      message("worker.yaml:modules[0].name"),
      '"db" is named worker-db here (db is the name of a module in api.yaml and worker.yaml, and one environment needs unique names); Azure resource names follow it, its Kubernetes keys keep Opta\'s names',
    );
  });

  it("writes a spec that validates and plans as it is, with Opta's keys in each service's namespace", () => {
    const validation = validateSpec(result.spec);
    assert.ok(validation.ok);
    assert.deepEqual(validation.warnings, []);
    const plan = planEnvironment(validation.spec, {
      provisionerPrincipalId: "33333333-3333-4333-8333-333333333333",
      provisionerIpRanges: ["203.0.113.0/24"],
    });
    const secrets = plan.nodes
      .filter((node) => node.kind === "kubernetesSecret")
      .map((node) => node.desired as unknown as KubernetesSecretDesired)
      .map((secret) => [secret.namespace, Object.keys(secret.keys)]);
    assert.deepEqual(secrets, [
      ["api", ["db_db_host", "db_db_user", "db_db_password", "db_db_name"]],
      // Opta had no port output: this service's cache_port keeps its default key.
      ["api", ["REDIS_HOST", "cache_cache_port", "REDIS_PASSWORD"]],
      ["worker", ["DATABASE_HOST", "DATABASE_USER", "DATABASE_PASSWORD", "DATABASE_NAME"]],
    ]);
  });

  it("writes the same spec as YAML, headed by the files it came from and the warnings", () => {
    assert.deepEqual(parse(result.specYaml), result.spec);
    const comments = result.specYaml.split("\n").filter((line) => line.startsWith("#"));
    assert.equal(
      comments[0],
      "# Converted from Opta files by import-opta: environment.yaml, api.yaml, worker.yaml",
    );
    assert.equal(comments.length, 2 + result.warnings.length);
  });

  it("writes Opta's network names, admin group placeholder and retired version in this spec's words", () => {
    const written = converted(
      importOpta({ environment: file("environment-written-out.yaml"), services: [] }),
    );
    assert.deepEqual((written.spec.modules as unknown[]).slice(0, 5), [
      {
        type: "base",
        vnet_cidr: "10.0.0.0/16",
        nodes_subnet_cidr: "10.0.0.0/17",
        private_endpoints_subnet_cidr: "10.0.128.0/24",
        postgres_subnet_cidr: "10.0.129.0/24",
      },
      { type: "dns", domain: "staging.example.com", delegated: false },
      {
        type: "k8s-cluster",
        kubernetes_version: "1.35",
        min_nodes: 3,
        max_nodes: 5,
        node_disk_size: 30,
        node_instance_type: "Standard_D2_v2",
      },
      // The key files are left out: a certificate is uploaded once the environment exists.
      { type: "external-ssl-cert", domain: "staging.example.com" },
      { type: "k8s-base" },
    ]);
    assert.deepEqual(
      written.warnings.map((warning) => warning.path),
      [
        "environment-written-out.yaml:modules[0].private_ipv4_cidr_block",
        "environment-written-out.yaml:modules[0].subnet_ipv4_cidr_block",
        "environment-written-out.yaml:modules[2].kubernetes_version",
        "environment-written-out.yaml:modules[2].admin_group_object_ids",
        "environment-written-out.yaml:modules[3].private_key_file",
        "environment-written-out.yaml:modules[3].certificate_body_file",
      ],
    );
    assert.match(
      written.warnings.find((warning) => warning.path.endsWith("private_key_file"))!.message,
      /^not carried over: a certificate and its key are uploaded, never written in a spec: PUT \/api\/environments\/\{id\}\/certificates\/\{module name\}/,
    );
  });
});

describe("importOpta: what it carries and how", () => {
  it("takes Opta's full type names and numbers written as strings", () => {
    const result = converted(
      importOpta({
        environment: text("env.yaml", [
          ...environment.text.split("\n").slice(0, 5),
          "  - type: azure-base",
          "  - type: azure-aks",
          '    max_nodes: "6"',
        ]),
        services: [service(["- type: azure-redis", "  capacity: '1'"])],
      }),
    );
    assert.deepEqual((result.spec.modules as unknown[]).slice(1), [
      { type: "k8s-cluster", max_nodes: 6 },
      // Standard C1, as the Azure Managed Redis SKU it is built as.
      { type: "redis", name: "azureredis", sku_name: "Balanced_B1", kubernetes_secret: false },
    ]);
  });

  it("leaves out an AKS service range inside the VNet, as Opta's default was, for this service's defaults", () => {
    const result = converted(
      importOpta({
        environment: text("env.yaml", [
          ...environment.text.split("\n"),
          "    service_cidr: 10.0.128.0/20",
          "    dns_service_ip: 10.0.128.10",
        ]),
        services: [],
      }),
    );
    assert.deepEqual((result.spec.modules as unknown[])[1], { type: "k8s-cluster" });
    assert.deepEqual(result.warnings, [
      {
        path: "env.yaml:modules[1].service_cidr",
        message:
          "10.0.128.0/20 lies inside the VNet (10.0.0.0/16), as Opta's AKS had it; with Azure CNI overlay the service range must be outside it, so the converted spec leaves out service_cidr and dns_service_ip and uses the defaults (172.16.0.0/16, 172.16.0.10)",
      },
    ]);
  });

  it("puts no Kubernetes Secret on a module no k8s-service links, as in Opta, and says so", () => {
    const result = converted(
      importOpta({ environment, services: [service(["- type: postgres", "  name: db"])] }),
    );
    assert.deepEqual((result.spec.modules as unknown[])[2], {
      type: "postgres",
      name: "db",
      kubernetes_secret: false,
    });
    assert.deepEqual(result.warnings, [
      {
        path: "svc.yaml:modules[0]",
        message:
          "no k8s-service links it, so, as in Opta, no Kubernetes Secret holds its facts; they go to Key Vault only",
      },
    ]);
  });

  it("keeps every fact in Key Vault only when the environment has no cluster", () => {
    const noCluster = text("env.yaml", environment.text.split("\n").slice(0, 6));
    const result = converted(
      importOpta({
        environment: noCluster,
        services: [service(["- type: redis", "  name: cache", "- type: k8s-service", "  links: [cache]"])],
      }),
    );
    assert.deepEqual((result.spec.modules as unknown[])[1], { type: "redis", name: "cache" });
    assert.ok(result.warnings.some((warning) => warning.message.includes("no k8s-cluster")));
  });

  it("writes only the keys that differ from this spec's defaults: none for a plain link to a module keeping its name", () => {
    const result = converted(
      importOpta({
        environment,
        services: [service(["- type: redis", "  name: cache", "- type: k8s-service", "  links: [cache]"])],
      }),
    );
    assert.deepEqual((result.spec.modules as unknown[])[2], {
      type: "redis",
      name: "cache",
      kubernetes_secret: { namespace: "svc" },
    });
  });

  it("drops keys this service has no setting for, and link permissions, with warnings", () => {
    const result = converted(
      importOpta({
        environment,
        services: [
          service([
            "- type: postgres",
            "  name: db",
            "  instance_class: db.t3.medium",
            "- type: k8s-service",
            "  links:",
            "    - db: [read, write]",
          ]),
        ],
      }),
    );
    assert.deepEqual(
      result.warnings.filter((warning) => warning.message.startsWith("not carried over")),
      [
        {
          path: "svc.yaml:modules[0].instance_class",
          message: "not carried over: postgres has no such setting here",
        },
        {
          path: "svc.yaml:modules[1].links[0]",
          message: 'not carried over: link permissions ("read", "write") have no meaning for postgres here',
        },
      ],
    );
  });
});

describe("importOpta refuses, at the file and path of each problem", () => {
  it("reports a link to nothing, a rename of an output the module lacks, and a template it cannot fill", () => {
    const problems = refused(
      importOpta({
        environment,
        services: [
          service([
            "- type: postgres",
            "  name: db",
            "  sku_name: '{parent.db_sku}'",
            "- type: k8s-service",
            "  links:",
            "    - cache",
            "    - db: [{ db_pass: PASSWORD }]",
          ]),
        ],
      }),
    );
    assert.deepEqual(problems, [
      {
        path: "svc.yaml:modules[0].sku_name",
        message: '"{parent.db_sku}" cannot be filled in: it names Opta state this service does not have',
      },
      {
        path: "svc.yaml:modules[1].links[0]",
        message: 'links "cache", which is not a postgres or redis module of this file',
      },
      {
        path: "svc.yaml:modules[1].links[1].db.db_pass",
        message:
          'postgres has no output "db_pass" to rename; its outputs are db_host, db_user, db_password, db_name',
      },
    ]);
  });

  it("reports what validation refuses in the converted spec at the Opta file it came from", () => {
    const problems = refused(
      importOpta({
        environment,
        services: [
          service(["- type: redis", "  name: cache", "  capacity: 9"], "one.yaml"),
          service(["- type: postgres", "  storage_gb: 10"], "two.yaml"),
        ],
      }),
    );
    assert.deepEqual(problems, [
      { path: "one.yaml:modules[0].capacity", message: "Standard offers capacities 0, 1, 2, 3, 4, 5, 6" },
      {
        path: "two.yaml:modules[0].storage_gb",
        message: "must be one of 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767 (GiB)",
      },
    ]);
  });

  it("refuses an environment for another cloud, environment modules in a service file and a service name that is no namespace", () => {
    const aws = text("aws.yaml", [
      "name: staging",
      "org_name: acme",
      "providers:",
      "  aws: { region: us-east-1 }",
      "modules:",
      "  - type: aws-base",
    ]);
    assert.deepEqual(refused(importOpta({ environment: aws, services: [] })), [
      {
        path: "aws.yaml:providers",
        message:
          "must name providers.azurerm (location, tenant_id, subscription_id): import-opta converts Opta's Azure environments",
      },
      {
        path: "aws.yaml:modules[0].type",
        message:
          '"aws-base" is an Opta module for another cloud; this service builds Azure modules: base, k8s-cluster, postgres, redis, k8s-base, external-ssl-cert, dns, storage',
      },
    ]);
    assert.deepEqual(
      refused(
        importOpta({
          environment,
          services: [text("svc.yaml", ["name: Web_App", "modules:", "  - type: k8s-cluster"])],
        }),
      ),
      [
        {
          path: "svc.yaml:name",
          message:
            '"Web_App" names the Kubernetes namespace of the service\'s Secrets, as in Opta; it must be a namespace (1–63 lower-case letters, digits and hyphens)',
        },
        {
          path: "svc.yaml:modules[0].type",
          message: '"k8s-cluster" is an environment module; it belongs in the environment file',
        },
      ],
    );
  });

  it("refuses hostile or oversized files with the parser's limits, naming the file", () => {
    const huge = { label: "huge.yaml", text: `name: x\n#${"x".repeat(MAX_SPEC_BYTES)}` };
    const deep = { label: "deep.yaml", text: `${"[".repeat(100)}${"]".repeat(100)}` };
    assert.deepEqual(refused(importOpta({ environment, services: [huge, deep] })), [
      {
        path: "huge.yaml",
        message: `the file is ${Buffer.byteLength(huge.text)} bytes; the limit is ${MAX_SPEC_BYTES} bytes (256 KiB)`,
      },
      { path: "deep.yaml", message: "the file nests deeper than 32 levels" },
    ]);
  });

  it("refuses more service files than it converts at once, and a file given twice", () => {
    const many = Array.from({ length: MAX_OPTA_SERVICE_FILES + 1 }, (_, index) =>
      service([], `s${index}.yaml`),
    );
    assert.deepEqual(refused(importOpta({ environment, services: many })), [
      {
        path: "",
        message: `${MAX_OPTA_SERVICE_FILES + 1} service files were given; at most ${MAX_OPTA_SERVICE_FILES} are converted at once`,
      },
    ]);
    assert.deepEqual(refused(importOpta({ environment, services: [service([]), service([])] })), [
      { path: "svc.yaml", message: "is given twice; give each Opta file once" },
    ]);
  });
});
