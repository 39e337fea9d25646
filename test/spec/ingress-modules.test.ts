/**
 * The modules that make an environment reachable — `k8s-base`, `external-ssl-cert`, `dns` — as a user
 * writes them: their keys and defaults, what each needs of the others, Opta's Helm values (warned about
 * and ignored) and Opta's key material (refused, with how to upload instead).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateSpec } from "../../lib/spec/validate";
import type {
  CertificateModule,
  DnsModule,
  EnvironmentSpec,
  IngressModule,
  SpecProblem,
} from "../../lib/spec/types";
import { specDocument } from "./fixtures";

const BASE = [{ type: "base" }, { type: "k8s-cluster" }];

function accepted(modules: unknown[]): { spec: EnvironmentSpec; warnings: readonly SpecProblem[] } {
  const result = validateSpec(specDocument(modules));
  assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.problems));
  return { spec: result.spec, warnings: result.warnings };
}

function refused(modules: unknown[]): SpecProblem[] {
  const result = validateSpec(specDocument(modules));
  assert.equal(result.ok, false);
  return result.ok ? [] : [...result.problems];
}

const moduleOf = <T extends EnvironmentSpec["modules"][number]>(spec: EnvironmentSpec, type: T["type"]): T =>
  spec.modules.find((module) => module.type === type) as T;

describe("k8s-base", () => {
  it("defaults to a standard ingress and the service mesh at the current revision, pinning those defaults", () => {
    const { spec, warnings } = accepted([...BASE, { type: "k8s-base" }]);
    assert.deepEqual(moduleOf<IngressModule>(spec, "k8s-base"), {
      type: "k8s-base",
      name: "k8s-base",
      nginx_high_availability: false,
      linkerd_enabled: true,
      istio_revision: "asm-1-30",
    });
    assert.deepEqual(spec.appliedDefaults["k8s-base"], {
      nginx_high_availability: false,
      linkerd_enabled: true,
      istio_revision: "asm-1-30",
    });
    assert.deepEqual(warnings, []);
  });

  it("warns about Opta's Helm values and settings the managed add-ons do not take, and ignores them", () => {
    const { spec, warnings } = accepted([
      ...BASE,
      {
        type: "k8s-base",
        linkerd_values: { proxy: {} },
        ingress_nginx_values: { controller: {} },
        cert_manager_values: {},
        nginx_config: { "use-gzip": true },
        linkerd_high_availability: true,
      },
    ]);
    assert.deepEqual(
      warnings.map((warning) => warning.path),
      [
        "modules[2].linkerd_high_availability",
        "modules[2].linkerd_values",
        "modules[2].ingress_nginx_values",
        "modules[2].cert_manager_values",
        "modules[2].nginx_config",
      ],
    );
    assert.match(warnings[1]!.message, /the service mesh is AKS's Istio add-on/);
    assert.ok(!("linkerd_values" in moduleOf(spec, "k8s-base")));
  });

  it("fails without a k8s-cluster, twice, or with a revision that is no Istio add-on revision", () => {
    assert.deepEqual(refused([{ type: "base" }, { type: "k8s-base" }]), [
      {
        path: "modules[1].type",
        message: "the ingress and the service mesh run on the cluster; add a k8s-cluster module",
      },
    ]);
    assert.deepEqual(
      refused([...BASE, { type: "k8s-base" }, { type: "k8s-base", name: "other" }]).map(
        (problem) => problem.message,
      ),
      ["only one k8s-base module is allowed (modules[2] is one)"],
    );
    assert.deepEqual(
      refused([...BASE, { type: "k8s-base", istio_revision: "1.28" }]).map((problem) => problem.path),
      ["modules[2].istio_revision"],
    );
  });

  it("fails a known revision that does not work with the cluster's Kubernetes version, naming those that do", () => {
    assert.deepEqual(
      refused([
        { type: "base" },
        { type: "k8s-cluster", kubernetes_version: "1.36" },
        { type: "k8s-base", istio_revision: "asm-1-29" },
      ]),
      [
        {
          path: "modules[2].istio_revision",
          message:
            "asm-1-29 works with Kubernetes 1.31, 1.32, 1.33, 1.34, 1.35, not 1.36 (modules[1].kubernetes_version): use asm-1-30",
        },
      ],
    );
    // Without the mesh, the revision is not used.
    accepted([
      { type: "base" },
      { type: "k8s-cluster", kubernetes_version: "1.36" },
      { type: "k8s-base", istio_revision: "asm-1-29", linkerd_enabled: false },
    ]);
  });

  it("warns about a revision it does not know, leaving the check to Azure", () => {
    const { warnings } = accepted([...BASE, { type: "k8s-base", istio_revision: "asm-1-31" }]);
    assert.deepEqual(
      warnings.map((warning) => warning.path),
      ["modules[2].istio_revision"],
    );
    assert.match(warnings[0]!.message, /not a revision this service knows \(asm-1-29, asm-1-30\)/);
  });
});

describe("external-ssl-cert", () => {
  it("names the certificate by its domain (a wildcard allowed) or by its Key Vault id", () => {
    const { spec } = accepted([
      ...BASE,
      { type: "k8s-base" },
      { type: "external-ssl-cert", domain: "*.example.com" },
    ]);
    assert.deepEqual(moduleOf<CertificateModule>(spec, "external-ssl-cert"), {
      type: "external-ssl-cert",
      name: "external-ssl-cert",
      domain: "*.example.com",
    });
    const kept = accepted([
      ...BASE,
      { type: "k8s-base" },
      {
        type: "external-ssl-cert",
        domain: "example.com",
        key_vault_certificate_id: "https://mine.vault.azure.net/certificates/site",
      },
    ]);
    assert.equal(
      moduleOf<CertificateModule>(kept.spec, "external-ssl-cert").key_vault_certificate_id,
      "https://mine.vault.azure.net/certificates/site",
    );
  });

  it("refuses Opta's inline and file key material, each saying how to upload instead", () => {
    const problems = refused([
      ...BASE,
      { type: "k8s-base" },
      {
        type: "external-ssl-cert",
        domain: "example.com",
        certificate_body: "-----BEGIN CERTIFICATE-----",
        certificate_chain: "-----BEGIN CERTIFICATE-----",
        private_key: "-----BEGIN PRIVATE KEY-----",
        private_key_file: "./key.pem",
      },
    ]);
    assert.deepEqual(
      problems.map((problem) => problem.path),
      [
        "modules[3].certificate_body",
        "modules[3].certificate_chain",
        "modules[3].private_key",
        "modules[3].private_key_file",
      ],
    );
    for (const problem of problems) {
      assert.match(problem.message, /never goes into a spec/);
      assert.match(problem.message, /PUT \/api\/environments\/\{id\}\/certificates\/\{module name\}/);
      assert.ok(!problem.message.includes("BEGIN"), "no key material in the message");
    }
  });

  it("fails without an ingress, with a domain that is none, and with an id that is no Key Vault certificate", () => {
    assert.deepEqual(refused([...BASE, { type: "external-ssl-cert", domain: "example.com" }]), [
      {
        path: "modules[2].type",
        message: "the certificate is the ingress's default certificate; add a k8s-base module",
      },
    ]);
    assert.deepEqual(
      refused([
        ...BASE,
        { type: "k8s-base" },
        { type: "external-ssl-cert", domain: "Example.COM", key_vault_certificate_id: "https://x/secrets/y" },
      ]),
      [
        { path: "modules[3].domain", message: '"Example.COM" must be written in lower case (example.com)' },
        {
          path: "modules[3].key_vault_certificate_id",
          message:
            "must be a Key Vault certificate id such as https://myvault.vault.azure.net/certificates/mycert (a version may follow)",
        },
      ],
    );
  });
});

describe("dns", () => {
  it("defaults to A records at the apex and for every name, not yet delegated", () => {
    const { spec, warnings } = accepted([
      ...BASE,
      { type: "k8s-base" },
      { type: "dns", domain: "example.com" },
    ]);
    assert.deepEqual(moduleOf<DnsModule>(spec, "dns"), {
      type: "dns",
      name: "dns",
      domain: "example.com",
      delegated: false,
      a_records: ["@", "*"],
    });
    assert.deepEqual(warnings, []);
  });

  it("warns when the certificate's domain lies outside the zone", () => {
    const { warnings } = accepted([
      ...BASE,
      { type: "k8s-base" },
      { type: "external-ssl-cert", domain: "shop.example.org" },
      { type: "dns", domain: "example.com", delegated: true, a_records: ["www"] },
    ]);
    assert.deepEqual(warnings, [
      {
        path: "modules[3].domain",
        message:
          "shop.example.org is not in the zone example.com (modules[4]): the zone's records will not lead to it",
      },
    ]);
  });

  it("fails without an ingress, for a wildcard zone, and for records that are no names", () => {
    const problems = refused([
      { type: "base" },
      { type: "dns", domain: "*.example.com", a_records: ["@", "@", "bad name"] },
    ]);
    assert.deepEqual(
      problems.map((problem) => problem.path),
      ["modules[1].domain", "modules[1].a_records[2]", "modules[1].a_records", "modules[1].type"],
    );
  });
});
