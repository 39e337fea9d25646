/**
 * The service tried as a hostile or unlucky operator would, end to end (the app in a devhost child over
 * HTTP, on Azurite and the emulator): cancel stops the whole build and a re-apply works at once; Durable's
 * management webhooks, reachable with the system key, cannot start a build the API would refuse nor run
 * one beside the API's; a rewind the orchestrations cannot honour is refused, and the record follows.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ensureNodeInstanceId } from "../../orchestrations/instance-ids";
import { examplePlan } from "../orchestrations/example-plan";
import { startE2eStack, type E2eStack } from "./e2e-stack";
import {
  apply,
  buildWithFailingNatGateway,
  minimalSpec,
  stagingSpec,
  view,
  waitForEnd,
  waitForView,
} from "./environment-api";

let stack: E2eStack;
before(async () => {
  stack = await startE2eStack();
});
after(async () => {
  await stack?.stop();
});

interface DurableStatus {
  runtimeStatus: string;
  output?: unknown;
}

async function durable(instanceId: string): Promise<DurableStatus | undefined> {
  return (await stack.durableStatus(instanceId)) as DurableStatus | undefined;
}

async function waitForDurable(instanceId: string, statuses: readonly string[]): Promise<DurableStatus> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await durable(instanceId);
    if (status && statuses.includes(status.runtimeStatus)) return status;
    if (Date.now() > deadline) throw new Error(`${instanceId}: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Successful creates (PUT answered 201) of resources whose path matches `path`. */
function creates(path: RegExp): number {
  return stack.emulator.admin
    .requestLog()
    .filter((e) => e.method === "PUT" && e.status === 201 && path.test(e.path)).length;
}

describe("cancel", () => {
  test("stops the build and every per-node sub-orchestration, names what Azure was left doing, and a re-apply starts at once", async () => {
    const spec = stagingSpec("cxl");
    assert.equal((await apply(stack, spec)).status, 202);
    await waitForView(
      stack,
      "acme-cxl",
      "cache being created",
      (v) => v.progress?.nodes["cache/cluster"] === "creating",
    );

    const canceled = await stack.api("environments/acme-cxl/cancel", { method: "POST" });
    assert.equal(canceled.status, 202, await canceled.clone().text());
    const body = (await canceled.json()) as { leftInAzure: string[]; lastOperation: { status: string } };
    assert.ok(body.leftInAzure.includes("cache/cluster"), JSON.stringify(body.leftInAzure));
    assert.equal(body.lastOperation.status, "canceled");
    // Nothing of the build runs any more: not the parent, not one node.
    const plan = examplePlan("staging.yaml", "cxl");
    for (const node of plan.nodes) {
      const status = await durable(ensureNodeInstanceId(plan.environmentId, node.key));
      assert.ok(
        !status || !["Running", "Pending"].includes(status.runtimeStatus),
        `${node.key}: ${status?.runtimeStatus}`,
      );
    }
    assert.equal((await view(stack, "acme-cxl")).resultSummary?.leftInAzure?.includes("cache/cluster"), true);

    // A re-apply right away is accepted and completes; what Azure was creating is adopted, not created twice.
    const again = await apply(stack, spec);
    assert.equal(again.status, 202, await again.clone().text());
    const ended = await waitForEnd(stack, "acme-cxl");
    assert.equal(ended.lastOperation?.status, "succeeded", JSON.stringify(ended.resultSummary));
    assert.equal(
      creates(/\/resourcegroups\/rg-acme-cxl\/providers\/microsoft\.cache\/redisenterprise\/[^/]+$/i),
      1,
    );
  });
});

describe("Durable's management webhooks (system key)", () => {
  test("a build started with {} fails at once with a clear message, and calls Azure for nothing", async () => {
    const before = stack.emulator.admin.requestLog().length;
    const started = await stack.webhook("orchestrators/buildEnvironment/acme-rogue", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.ok(started.status === 202 || started.status === 201, String(started.status));
    const failed = await waitForDurable("acme-rogue", ["Failed", "Completed"]);
    assert.equal(failed.runtimeStatus, "Failed");
    assert.match(JSON.stringify(failed.output), /was started with an input it cannot run/);
    assert.equal(stack.emulator.admin.requestLog().length, before, "no request reached Azure");
  });

  test("a restart of the API's build under a new instance id fails at once, never running beside it", async () => {
    const spec = minimalSpec("rst");
    const accepted = await stack.api("environments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(spec),
    });
    assert.equal(accepted.status, 202);
    const restarted = await stack.webhook("instances/acme-rst/restart?restartWithNewInstanceId=true", {
      method: "POST",
    });
    assert.ok(restarted.status < 300, `${restarted.status} ${await restarted.clone().text()}`);
    const ids = (await stack.instanceIds()).filter(
      (id) => id !== "acme-rst" && !id.includes(":") && !id.startsWith("batch-"),
    );
    const others = await Promise.all(
      ids.map((id) => waitForDurable(id, ["Failed", "Completed", "Terminated"])),
    );
    const copy = others.find((status) => JSON.stringify(status.output).includes("acme-rst"));
    assert.ok(copy, `the restarted copy among ${JSON.stringify(ids)}`);
    assert.equal(copy.runtimeStatus, "Failed");
    assert.match(JSON.stringify(copy.output), /runs under instance id acme-rst/);
    const ended = await waitForEnd(stack, "acme-rst");
    assert.equal(ended.lastOperation?.status, "succeeded", "the API's own build is untouched");
  });

  test("a rewind of a failed build is refused clearly, and the record keeps saying failed", async () => {
    assert.equal((await buildWithFailingNatGateway(stack, "rwd")).lastOperation?.status, "failed");
    const rewind = await stack.webhook("instances/acme-rwd/rewind?reason=operator", { method: "POST" });
    assert.ok(rewind.status >= 400 && rewind.status < 500, `${rewind.status}`);
    assert.match(await rewind.text(), /nothing to rewind/);
    assert.equal((await durable("acme-rwd"))?.runtimeStatus, "Failed");
    const record = await view(stack, "acme-rwd");
    assert.equal(record.lastOperation?.status, "failed");
    assert.deepEqual(
      record.resultSummary?.failures.map((f) => f.code),
      ["NatGatewayAllocationBroken"],
    );
  });
});
