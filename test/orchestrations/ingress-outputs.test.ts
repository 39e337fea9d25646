/**
 * The outputs of an environment's public entry (`outputs.ingress`), made of the plan and the facts its
 * nodes reported: the address, the certificate's public facts and its expiry warning, and what DNS must
 * say — with a zone (its name servers, the registrar's step) and without one (the record to create).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ResourceFacts } from "../../activities/contract";
import { FACT } from "../../lib/plan/facts";
import type { Plan } from "../../lib/plan/types";
import { outputWarnings } from "../../orchestrations/ingress-outputs";
import { buildOutputs } from "../../orchestrations/outputs";
import { examplePlan } from "./example-plan";

const DAY_MS = 86_400_000;
const NOW_MS = Date.parse("2026-11-20T12:00:00Z");
const IP = "20.50.60.70";

/** What the nodes of `plan` report once built, the certificate expiring `daysLeft` days from now. */
function builtFacts(plan: Plan, daysLeft: number): Record<string, ResourceFacts> {
  const keyOf = (kind: string) => plan.nodes.find((node) => node.kind === kind)?.key ?? "";
  const facts: Record<string, ResourceFacts> = {
    "k8s-base/ingress-ip": { [FACT.ipAddress]: IP },
    [keyOf("tlsCertificate")]: {
      [FACT.certificateId]:
        "https://kv-acme-shop.vault.azure.net/certificates/external-ssl-cert/0123456789abcdef0123456789abcdef",
      thumbprint: "AB12",
      subject: "CN=*.shop.example.com",
      subjectAlternativeNames: "shop.example.com,*.shop.example.com",
      notAfter: new Date(NOW_MS + daysLeft * DAY_MS).toISOString(),
    },
  };
  const zone = keyOf("dnsZone");
  if (zone) {
    facts[zone] = {
      [FACT.nameServers]:
        "ns1-07.azure-dns.com.,ns2-07.azure-dns.net.,ns3-07.azure-dns.org.,ns4-07.azure-dns.info.",
    };
  }
  return facts;
}

describe("outputs of the public entry (examples/public.yaml)", () => {
  const plan = examplePlan("public.yaml");

  test("give the address, the IngressClass, the mesh, the certificate's public facts and the registrar's step", () => {
    const ingress = buildOutputs(plan, builtFacts(plan, 90), NOW_MS).ingress;
    assert.ok(ingress);
    assert.equal(ingress.ipAddress, IP);
    assert.equal(ingress.ingressClassName, "nginx-public");
    assert.deepEqual(ingress.serviceMesh, { revision: "asm-1-30", namespace: "shop", mtls: "STRICT" });
    assert.deepEqual(ingress.certificate?.subjectAlternativeNames, [
      "shop.example.com",
      "*.shop.example.com",
    ]);
    assert.equal(ingress.certificate?.warning, undefined);
    assert.equal(ingress.dns.zone, "shop.example.com");
    assert.deepEqual(ingress.dns.nameServers, [
      "ns1-07.azure-dns.com",
      "ns2-07.azure-dns.net",
      "ns3-07.azure-dns.org",
      "ns4-07.azure-dns.info",
    ]);
    assert.deepEqual(ingress.dns.records, [
      { name: "shop.example.com", type: "A", value: IP },
      { name: "*.shop.example.com", type: "A", value: IP },
    ]);
    assert.match(
      ingress.dns.instructions,
      /^At the registrar of shop\.example\.com, set its name servers to ns1-07\.azure-dns\.com, ns2-07/,
    );
  });

  test("warn about a certificate expiring within 30 days, and not before", () => {
    const soon = buildOutputs(plan, builtFacts(plan, 12), NOW_MS);
    assert.match(soon.ingress?.certificate?.warning ?? "", /expires in 12 days/);
    assert.deepEqual(outputWarnings(soon), [soon.ingress?.certificate?.warning]);
    assert.deepEqual(outputWarnings(buildOutputs(plan, builtFacts(plan, 31), NOW_MS)), []);
    assert.match(
      buildOutputs(plan, builtFacts(plan, -1), NOW_MS).ingress?.certificate?.warning ?? "",
      /expired on/,
    );
  });

  test("say what to create at the user's DNS host without a dns module", () => {
    const withoutDns = { ...plan, nodes: plan.nodes.filter((node) => node.module !== "dns") };
    const ingress = buildOutputs(withoutDns, builtFacts(withoutDns, 90), NOW_MS).ingress;
    assert.deepEqual(ingress?.dns.records, [{ name: "*.shop.example.com", type: "A", value: IP }]);
    assert.equal(
      ingress?.dns.instructions,
      `At your DNS host, create an A record for *.shop.example.com with the value ${IP}; once it resolves, the application is live over TLS.`,
    );
  });

  test("say the address is not known yet before the build made it, inventing nothing", () => {
    const ingress = buildOutputs(plan, {}, NOW_MS).ingress;
    assert.equal(ingress?.ipAddress, undefined);
    assert.equal(ingress?.certificate?.keyVaultId, undefined);
    assert.deepEqual(
      ingress?.dns.records.map((record) => record.value),
      [undefined, undefined],
    );
    assert.match(ingress?.dns.instructions ?? "", /the ingress address \(known once the build created it\)/);
  });
});
