/**
 * The devhost says what it cannot run: an app with a trigger, binding, retry policy or hook it would
 * not honour is refused at start-up, with each function and binding named, as a library call and as a
 * command.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { unsupportedRegistrations } from "../src/binding-support";
import { isBindingExpressionError, resolveBindingExpression } from "../src/binding-expressions";
import { startDevhost } from "../src/main";
import { isRegistrationError, loadFunctionApp } from "../src/registry";
import { createAppRoot, type TemporaryAppRoot } from "./front-app-root";
import { refusedNames } from "./fixtures/refused-app/names";

const refusedEntry = join(__dirname, "fixtures", "refused-app", "index");
const samplesEntry = join(__dirname, "fixtures", "samples-app", "index");
const frontEntry = join(__dirname, "fixtures", "front-app", "index");
const mainModule = join(__dirname, "..", "src", "main.js");
const storageSettings = { AzureWebJobsStorage: "UseDevelopmentStorage=true", StorageConnString: "x" };

let appRoot: TemporaryAppRoot;
before(() => {
  appRoot = createAppRoot("RefusedHub");
});
after(() => appRoot?.remove());

describe("start-up refusal of what the devhost cannot run", () => {
  test("names every function and binding it cannot run, and the app hook", () => {
    const problems = unsupportedRegistrations(loadFunctionApp(refusedEntry), storageSettings);
    const expected: [string, RegExp][] = [
      [refusedNames.entity, /entityTrigger, in\): durable entities are not run/],
      [refusedNames.timer, /timerTrigger, in\): timer triggers are not run/],
      [refusedNames.smsActivity, /twilioSms, out\): only storage queue, blob and table outputs/],
      [refusedNames.blobInput, /blob, in\): input bindings other than the durable client/],
      [refusedNames.retried, /retry policy is not run/],
      [refusedNames.orchestrationWithOutput, /queue, out\): an orchestrator function takes no binding/],
      [refusedNames.unsetConnection, /NoSuchStorageSetting \/ AzureWebJobsNoSuchStorageSetting is not set/],
      [refusedNames.noQueueName, /queue, out\) has no queueName/],
    ];
    for (const [name, reason] of expected) {
      const line = problems.find((problem) => problem.startsWith(`function '${name}':`));
      assert.ok(line, `${name} is named: ${problems.join(" | ")}`);
      assert.match(line, reason);
    }
    assert.ok(problems.includes("app hook 'appStart': app hooks are not run by the devhost"));
    assert.equal(problems.length, expected.length + 1);
  });

  test("finds nothing to refuse in apps of supported triggers and bindings", () => {
    for (const entry of [samplesEntry, frontEntry]) {
      assert.deepEqual(unsupportedRegistrations(loadFunctionApp(entry), storageSettings), [], entry);
    }
  });

  test("fails startDevhost before anything runs, with a registration error listing them", async () => {
    await assert.rejects(
      startDevhost({ app: refusedEntry, appRoot: appRoot.path, port: 0, log: () => undefined }),
      (error: unknown) =>
        isRegistrationError(error) &&
        /the app registers what the devhost cannot run/.test(error.message) &&
        error.message.includes(`function '${refusedNames.entity}'`) &&
        error.message.includes("app hook 'appStart'"),
    );
  });

  test("fails the devhost command with exit code 1 and the list on stderr", async () => {
    const run = promisify(execFile);
    const failure = await run(
      process.execPath,
      [mainModule, "--app", `${refusedEntry}.js`, "--root", appRoot.path, "--port", "0"],
      { timeout: 30_000 },
    ).then(
      () => undefined,
      (error: unknown) => error as { code?: number; stderr?: string },
    );
    assert.ok(failure, "the command must fail");
    assert.equal(failure.code, 1);
    assert.match(
      failure.stderr ?? "",
      /devhost: failed to start: the app registers what the devhost cannot run/,
    );
    for (const name of Object.values(refusedNames)) {
      assert.ok(failure.stderr?.includes(`function '${name}'`), `stderr names ${name}`);
    }
  });
});

describe("binding expressions", () => {
  const data = { backupPath: "docs/a.txt", Nested: { Name: "n1" }, count: 3 };

  test("resolve {name} and {a.b} from the binding data, ignoring case", () => {
    assert.equal(resolveBindingExpression("backups/{backupPath}", data, {}), "backups/docs/a.txt");
    assert.equal(resolveBindingExpression("{nested.name}-{COUNT}", data, {}), "n1-3");
  });

  test("resolve %Setting% from app settings, {rand-guid} to a new GUID and {DateTime} as the host formats it", () => {
    assert.equal(resolveBindingExpression("%Container%/x", {}, { Container: "c1" }), "c1/x");
    assert.match(
      resolveBindingExpression("{rand-guid}", {}, {}),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const at = new Date(Date.UTC(2018, 1, 16, 17, 59, 55, 123));
    assert.equal(
      resolveBindingExpression("out/{DateTime}.txt", {}, {}, () => at),
      "out/2018-02-16T17-59-55Z.txt",
    );
  });

  test("fails with the host's message when a name has no value", () => {
    assert.throws(
      () => resolveBindingExpression("backups/{missing}", data, {}),
      (error: unknown) =>
        isBindingExpressionError(error) && error.message === "No value for named parameter 'missing'.",
    );
  });
});
