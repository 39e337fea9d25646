import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { HttpRequest, type HttpResponse, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { AzureStorageDurableEngine } from "../src/durable";
import { createManagementHandler, durableClientBinding, type DurableClientBinding } from "../src/durable";
import { createInvocationContext } from "../src/registry";
import { httpNames, orchestrationNames } from "./fixtures/durable-app/names";
import { appRegistry, startHarness, waitForStatus, type Harness } from "./durable-harness";

const TASK_HUB = "ClientHub";
const SYSTEM_KEY = "test-system-key";

describe("df.getClient() against the management API", () => {
  let harness: Harness;
  let engine: AzureStorageDurableEngine;
  let server: Server;
  let origin: string;
  let binding: DurableClientBinding;

  before(async () => {
    harness = await startHarness();
    engine = await harness.engine({ taskHubName: TASK_HUB });
    const handler = createManagementHandler({
      engine,
      taskHubName: TASK_HUB,
      rpcBasePath: "/durabletask/",
      systemKey: SYSTEM_KEY,
    });
    server = createServer((request, response) => {
      void handler(request, response).then((handled) => {
        if (!handled) response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    binding = durableClientBinding({
      taskHubName: TASK_HUB,
      origin,
      rpcBaseUrl: `${origin}/durabletask/`,
      systemKey: SYSTEM_KEY,
    });
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await harness.close();
  });

  /** The sample HTTP starter's invocation context, with the client binding injected as the host does. */
  function starterContext(): InvocationContext {
    const starter = appRegistry().functions.get(httpNames.starter);
    assert.ok(starter);
    const bindingName = Object.keys(starter.bindings).find(
      (name) => starter.bindings[name]?.type === "durableClient",
    );
    assert.ok(bindingName);
    return createInvocationContext(starter, { extraInputs: { [bindingName]: binding } });
  }

  const client = () => df.getClient(starterContext());
  const request = (path: string, body?: unknown) =>
    new HttpRequest({
      method: "POST",
      url: `${origin}${path}`,
      body: body === undefined ? undefined : { string: JSON.stringify(body) },
      params: { orchestratorName: path.split("/").pop() ?? "" },
    });

  test("an unmodified HTTP starter answers 202 with check-status URLs that work", async () => {
    const starter = appRegistry().functions.get(httpNames.starter);
    assert.ok(starter);
    const response = (await starter.handler(
      request(`/api/orchestrators/${orchestrationNames.sequence}`, ["Rome"]),
      starterContext(),
    )) as HttpResponse;
    assert.equal(response.status, 202);
    const links = (await response.json()) as Record<string, string>;
    const statusUrl = links.statusQueryGetUri ?? "";
    assert.ok(
      statusUrl.startsWith(`${origin}/runtime/webhooks/durabletask/instances/${links.id}?`),
      statusUrl,
    );
    assert.equal(response.headers.get("Location"), statusUrl);

    let body: { runtimeStatus?: string; output?: unknown } = {};
    for (let poll = 0; poll < 300 && body.runtimeStatus !== "Completed"; poll++) {
      const answer = await fetch(statusUrl);
      assert.ok([200, 202].includes(answer.status), `status ${answer.status}`);
      body = (await answer.json()) as typeof body;
      if (answer.status === 202) await new Promise((resolve) => setTimeout(resolve, 30));
    }
    assert.deepEqual(body.output, ["Hello Rome"]);
  });

  test("fails webhook calls without the system key", async () => {
    const id = await engine.startNew(orchestrationNames.sequence, { input: ["K"] });
    const answer = await fetch(`${origin}/runtime/webhooks/durabletask/instances/${id}`);
    assert.equal(answer.status, 401);
    const rpc = await fetch(`${origin}/durabletask/instances/${id}`);
    assert.ok([200, 202].includes(rpc.status), "the RPC route needs no key, like the real host's");
  });

  test("startNew and waitForCompletionOrCreateCheckStatusResponse return the output", async () => {
    const durable = client();
    const id = await durable.startNew(orchestrationNames.sequence, { input: ["Kyiv"] });
    const response = await durable.waitForCompletionOrCreateCheckStatusResponse(request("/api/x"), id, {
      timeoutInMilliseconds: 20_000,
      retryIntervalInMilliseconds: 50,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), ["Hello Kyiv"]);
    const status = await durable.getStatus(id);
    assert.equal(status.runtimeStatus, df.OrchestrationRuntimeStatus.Completed);
    // The body carries `historyEvents` as the real host's does; the client's `status.history` stays
    // undefined with the real host too (Azure/azure-functions-durable-js#620), so read the body itself.
    const answer = await fetch(
      `${origin}/durabletask/instances/${id}?showHistory=true&showHistoryOutput=true`,
    );
    const body = (await answer.json()) as { historyEvents?: { EventType: string; Result?: unknown }[] };
    assert.deepEqual(
      body.historyEvents?.map((e) => e.EventType),
      ["ExecutionStarted", "TaskCompleted", "ExecutionCompleted"],
    );
    assert.equal(body.historyEvents?.[1]?.Result, "Hello Kyiv");
  });

  test("starts under a chosen instance id and raises an event through the client", async () => {
    const durable = client();
    const id = await durable.startNew(orchestrationNames.waitForApproval, {
      instanceId: "client-approval",
      input: 3_600_000,
    });
    assert.equal(id, "client-approval");
    await durable.raiseEvent(id, "Approval", { approved: true });
    const status = await waitForStatus(engine, id);
    assert.deepEqual(status.output, { approved: true });
  });

  test("terminates, suspends and resumes through the client", async () => {
    const durable = client();
    const suspended = await durable.startNew(orchestrationNames.waitForever);
    await waitForStatus(engine, suspended, ["Running"]);
    await durable.suspend(suspended, "pause");
    await waitForStatus(engine, suspended, ["Suspended"]);
    await durable.resume(suspended, "go on");
    await waitForStatus(engine, suspended, ["Running"]);
    await durable.terminate(suspended, "stop here");
    const status = await waitForStatus(engine, suspended, ["Terminated"]);
    assert.equal(status.output, "stop here");
    await assert.rejects(durable.terminate("no-such-instance", "x"), /404|No instance|not found/i);
  });

  test("purges through the client; getStatus then fails as for an unknown instance", async () => {
    const durable = client();
    const id = await durable.startNew(orchestrationNames.sequence, { input: ["Purge"] });
    await waitForStatus(engine, id);
    const purged = await durable.purgeInstanceHistory(id);
    assert.equal(purged.instancesDeleted, 1);
    await assert.rejects(durable.getStatus(id), /404/);
    assert.equal((await durable.purgeInstanceHistory(id)).instancesDeleted, 0);
  });

  test("getStatusBy filters by runtime status", async () => {
    const durable = client();
    const done = await durable.startNew(orchestrationNames.sequence, { input: ["F"] });
    await waitForStatus(engine, done);
    const running = await durable.startNew(orchestrationNames.waitForever);
    await waitForStatus(engine, running, ["Running"]);
    const completed = await durable.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] });
    const ids = completed.map((s) => s.instanceId);
    assert.ok(ids.includes(done));
    assert.ok(!ids.includes(running));
    await durable.terminate(running, "cleanup");
  });

  test("pages instance lists with x-ms-continuation-token", async () => {
    const all = new Set((await engine.listInstances({})).instances.map((i) => i.instanceId));
    assert.ok(all.size >= 3);
    const seen: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 100; page++) {
      const answer = await fetch(`${origin}/durabletask/instances/?top=2`, {
        headers: token ? { "x-ms-continuation-token": token } : {},
      });
      assert.equal(answer.status, 200);
      const instances = (await answer.json()) as { instanceId: string }[];
      assert.ok(instances.length <= 2);
      seen.push(...instances.map((i) => i.instanceId));
      token = answer.headers.get("x-ms-continuation-token");
      if (!token) break;
    }
    assert.deepEqual(new Set(seen), all);
  });

  test("restarts a finished instance with the same input under a new id", async () => {
    const id = await engine.startNew(orchestrationNames.sequence, { input: ["Again"] });
    await waitForStatus(engine, id);
    const answer = await fetch(`${origin}/durabletask/instances/${id}/restart`, { method: "POST" });
    assert.equal(answer.status, 202);
    const { id: restarted } = (await answer.json()) as { id: string };
    assert.notEqual(restarted, id);
    assert.deepEqual((await waitForStatus(engine, restarted)).output, ["Hello Again"]);
  });

  test("answers 404 for unknown instances and 400 for unknown orchestrators", async () => {
    assert.equal((await fetch(`${origin}/durabletask/instances/nobody`)).status, 404);
    assert.equal(
      (await fetch(`${origin}/durabletask/instances/nobody/raiseEvent/x`, { method: "POST" })).status,
      404,
    );
    assert.equal(
      (await fetch(`${origin}/durabletask/orchestrators/NoSuchThing`, { method: "POST" })).status,
      400,
    );
  });
});
