import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import {
  captureRegistrations,
  createInvocationContext,
  isRegistrationError,
  loadFunctionApp,
} from "../src/registry";
import { activityNames, httpNames, orchestrationNames, queueNames } from "./fixtures/durable-app/names";

const appEntry = join(__dirname, "fixtures", "durable-app", "index");

test("captures every HTTP, queue, orchestration and activity registration of a real app", () => {
  const registry = loadFunctionApp(appEntry);
  const names = (type: string) =>
    registry
      .byTriggerType(type)
      .map((fn) => fn.name)
      .sort();
  assert.deepEqual(names("activityTrigger"), Object.values(activityNames).sort());
  assert.deepEqual(names("ORCHESTRATIONTRIGGER"), Object.values(orchestrationNames).sort());
  assert.deepEqual(names("httpTrigger"), [httpNames.starter]);
  assert.deepEqual(names("queueTrigger"), [queueNames.echo]);
  const queue = registry.functions.get(queueNames.echo);
  assert.equal(queue?.trigger.queueName, "echo");
});

test("keeps the durable client input binding and the HTTP trigger's route and auth level", () => {
  const starter = loadFunctionApp(appEntry).functions.get(httpNames.starter);
  assert.ok(starter);
  assert.equal(starter.trigger.route, "orchestrators/{orchestratorName}");
  assert.equal(starter.trigger.authLevel, "function");
  const clientInputs = Object.entries(starter.bindings).filter(([, b]) => b.type === "durableClient");
  assert.equal(clientInputs.length, 1);
  assert.equal(clientInputs[0]?.[1].direction, "in");
});

test("loading the same entry twice returns the same registry (the module cache runs an app once)", () => {
  assert.equal(loadFunctionApp(appEntry), loadFunctionApp(appEntry));
});

test("invokes a captured activity with a real InvocationContext", async () => {
  const hello = loadFunctionApp(appEntry).functions.get(activityNames.hello);
  assert.ok(hello);
  const context = createInvocationContext(hello);
  assert.equal(context.functionName, activityNames.hello);
  assert.equal(context.options.trigger.type, "activityTrigger");
  assert.equal(await hello.handler("registry", context), "Hello registry");
});

test("sets extra inputs by binding name on the invocation context", () => {
  const starter = loadFunctionApp(appEntry).functions.get(httpNames.starter);
  assert.ok(starter);
  const bindingName = Object.keys(starter.bindings).find(
    (name) => starter.bindings[name]?.type === "durableClient",
  );
  assert.ok(bindingName);
  const context = createInvocationContext(starter, {
    extraInputs: { [bindingName]: { taskHubName: "hub" } },
  });
  assert.deepEqual(context.extraInputs.get(bindingName), { taskHubName: "hub" });
  assert.deepEqual(
    context.options.extraInputs.map((b) => b.name),
    [bindingName],
  );
});

test("fails when captures nest", () => {
  assert.throws(
    () => captureRegistrations(() => captureRegistrations(() => undefined)),
    (error: unknown) => isRegistrationError(error) && /does not nest/.test(error.message),
  );
});
