/**
 * A build that needs a certificate not uploaded yet waits for it — a Durable external event raised by the
 * upload, with a deadline — saying so in its custom status; the certificate's node fails with
 * InputNotProvided when nothing comes in time. Plans the certificate and what it needs of
 * examples/public.yaml (the vault and the uploader's role), so the waits are the only slow part.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestCertificate } from "@azure-env-provisioner/azure-emulator";
import { CERTIFICATE_UPLOADED_EVENT } from "../../activities/contract";
import { checkCertificateUpload } from "../../lib/certificates/bundle";
import { importCertificate } from "../../lib/certificates/key-vault";
import type { Plan, TlsCertificateDesired } from "../../lib/plan/types";
import {
  BUILD_ENVIRONMENT,
  type BuildInput,
  type BuildOutput,
  type EnvironmentProgress,
} from "../../orchestrations/contracts";
import { ensureNodeInstanceId } from "../../orchestrations/instance-ids";
import { examplePlan, startWorld, waitForInstance, type OrchestrationWorld } from "./harness";

const CERTIFICATE = "external-ssl-cert/certificate";

/** The certificate's node of examples/public.yaml and every node it depends on, in plan order. */
function certificatePlan(name: string): Plan {
  const plan = examplePlan("public.yaml", name);
  const needed = new Set<string>();
  const collect = (key: string) => {
    if (needed.has(key)) return;
    needed.add(key);
    for (const dependency of plan.nodes.find((node) => node.key === key)!.dependsOn) collect(dependency);
  };
  collect(CERTIFICATE);
  return { ...plan, nodes: plan.nodes.filter((node) => needed.has(node.key)) };
}

/** Polls the build's custom status until it reports a wait for input. */
async function waitingProgress(world: OrchestrationWorld, instanceId: string): Promise<EnvironmentProgress> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const status = await world.engine.getStatus(instanceId);
    const progress = status?.customStatus as EnvironmentProgress | undefined;
    if (progress?.waitingFor?.length) return progress;
    assert.ok(status?.runtimeStatus !== "Failed", JSON.stringify(status));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`${instanceId} never reported a wait for input`);
}

describe("a build waiting for a certificate upload (examples/public.yaml)", () => {
  let world: OrchestrationWorld;

  before(async () => {
    world = await startWorld(examplePlan("public.yaml").subscriptionId);
  });
  after(async () => world?.close());

  test("says in its custom status what it waits for and how to provide it, until when", async () => {
    const plan = certificatePlan("late");
    const input: BuildInput = { plan, requestedBy: "test", inputWaitDeadlineSec: 600 };
    const id = await world.engine.startNew(BUILD_ENVIRONMENT, { instanceId: plan.environmentId, input });
    const progress = await waitingProgress(world, id);
    assert.equal(progress.nodes[CERTIFICATE], "waiting");
    const [wait] = progress.waitingFor ?? [];
    assert.equal(wait?.nodeKey, CERTIFICATE);
    assert.match(wait?.reason ?? "", /PUT \/api\/environments\/acme-late\/certificates\/external-ssl-cert/);
    assert.equal(Date.parse(wait!.until) - Date.parse(wait!.since), 600_000);
  });

  test("fails the certificate's node with InputNotProvided when nothing comes by the deadline", async () => {
    const plan = certificatePlan("late");
    const status = await waitForInstance(world.engine, plan.environmentId, 60_000);
    assert.equal(status.runtimeStatus, "Failed");
    const progress = status.customStatus as EnvironmentProgress;
    assert.equal(progress.nodes[CERTIFICATE], "failed");
    assert.deepEqual(
      progress.failures.map((failure) => [failure.nodeKey, failure.code]),
      [[CERTIFICATE, "InputNotProvided"]],
    );
    assert.match(progress.failures[0]!.message, /nothing came within 10 min/);
    assert.equal(progress.waitingFor?.length ?? 0, 0);
  });

  test("resumes on the upload's event and reports the certificate's public facts, no key", async () => {
    const plan = certificatePlan("ontime");
    const input: BuildInput = { plan, requestedBy: "test" };
    const id = await world.engine.startNew(BUILD_ENVIRONMENT, { instanceId: plan.environmentId, input });
    await waitingProgress(world, id);

    const certificate = createTestCertificate({ dnsNames: ["*.shop.example.com"] });
    const desired = plan.nodes.find((node) => node.key === CERTIFICATE)!
      .desired as unknown as TlsCertificateDesired;
    const checked = checkCertificateUpload({
      format: "pem",
      body: Buffer.from(certificate.bundlePem),
      domain: desired.domain,
      nowMs: Date.now(),
    });
    assert.ok(checked.ok, JSON.stringify(checked));
    const client = await world.clients.certificateClientForVault(desired.vaultId);
    await importCertificate(client, desired.certificateName, checked.certificate, { budgetMs: 5_000 });
    await world.engine.raiseEvent(id, CERTIFICATE_UPLOADED_EVENT, { certificate: desired.certificateName });

    const status = await waitForInstance(world.engine, id, 60_000);
    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.customStatus));
    const output = status.output as BuildOutput;
    // The upload imported it; the build found it there, writing nothing.
    assert.equal(output.nodes[CERTIFICATE], "unchanged");
    // Its public facts, as the node reported them to the build (the outputs show them with an ingress).
    const child = await world.engine.getStatus(ensureNodeInstanceId(plan.environmentId, CERTIFICATE));
    const reported = (child?.output as { facts?: Record<string, string> } | undefined)?.facts ?? {};
    assert.equal(reported.subjectAlternativeNames, "*.shop.example.com");
    assert.match(reported.subject ?? "", /CN=\*\.shop\.example\.com/);
    assert.ok(reported.notAfter && Date.parse(reported.notAfter) > Date.now());
    assert.match(reported.certificateId ?? "", /\/certificates\/external-ssl-cert\/[0-9a-f]{32}$/);

    const recorded = JSON.stringify(
      await world.engine.getStatus(id, { showHistory: true, showHistoryOutput: true, showInput: true }),
    );
    for (const line of certificate.privateKeyPem.split("\n").filter((l) => l && !l.startsWith("-----")))
      assert.equal(recorded.includes(line), false, "no line of the private key in Durable");
  });
});
