/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the local stack:
 * what a user sees while a build runs — the environments, the DAG coloured by state, the timeline with
 * its ETA and critical path, the diff, the outputs, the failures — and what the buttons do. Screenshots
 * land in `.artifacts/dashboard/` (git-ignored): the moments worth looking at, and the page as it was
 * when a test failed. Skipped, saying why, where Chromium is missing (`.ci/run` installs it).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { waitFor } from "../support/wait-for";
import {
  OPERATOR_TIME_SCALE,
  projectRoot,
  startOperatorStack,
  type OperatorStack,
} from "../cli/operator-stack";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const skip = existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
const ARTIFACTS = join(projectRoot, ".artifacts", "dashboard");
const LAUNCH_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

describe("the dashboard in a browser", { skip }, () => {
  let world: OperatorStack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    world = await startOperatorStack();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_FLAGS });
    page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await world?.stop();
  });

  /** Runs a step; on failure the page goes to a screenshot named after it before the error is rethrown. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      await page
        .screenshot({ path: join(ARTIFACTS, `failed-${name}.png`), fullPage: true })
        .catch(() => undefined);
      throw error;
    }
  }

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const text = (testId: string) => page.getByTestId(testId).innerText();
  const nodeStates = () =>
    page.$$eval('[data-testid="graph-node"]', (nodes) =>
      nodes.map(
        (node) => [node.getAttribute("data-node"), node.getAttribute("data-state")] as [string, string],
      ),
    );
  const spanCount = () => page.locator('[data-testid="timeline-span"]').count();
  const apply = (file: string, name: string, edit?: (text: string) => string) =>
    world.api("environments", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: readFileSync(world.example(file, name, edit), "utf8"),
    });
  const badge = (expected: string) =>
    waitFor(`the badge to say ${expected}`, async () => (await text("env-status")) === expected, {
      timeoutMs: 90_000,
      intervalMs: 200,
    });
  const selectEnvironment = (id: string) => page.click(`[data-testid="env-row"][data-env="${id}"]`);

  test("answers 401 without the key, and serves one page under a strict Content-Security-Policy with it", async () => {
    const refused = await fetch(`${world.url}/api/dashboard`);
    assert.equal(refused.status, 401);
    const served = await fetch(`${world.url}/api/dashboard?code=${world.key}`);
    assert.equal(served.status, 200);
    assert.match(served.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(
      served.headers.get("content-security-policy") ?? "",
      /default-src 'none'; script-src 'sha256-/,
    );
    assert.equal(served.headers.get("cache-control"), "no-store");
  });

  test("lists no environment at first, and says how to apply one", () =>
    step("empty", async () => {
      await page.goto(`${world.url}/api/dashboard?code=${world.key}`);
      await page
        .getByTestId("connection")
        .filter({ hasText: /^updated / })
        .waitFor();
      assert.equal(await page.locator("#no-environments").isVisible(), true);
      assert.match(await page.locator("#no-environments").innerText(), /envctl apply FILE/);
    }));

  test("follows a build live: the DAG turns from waiting to creating to done, the timeline grows, to 'succeeded'", () =>
    step("build", async () => {
      assert.equal((await apply("staging.yaml", "dash")).status, 202);
      await page.locator('[data-testid="env-row"][data-env="acme-dash"]').waitFor({ timeout: 10_000 });
      await selectEnvironment("acme-dash");
      assert.equal(await text("env-title"), "acme-dash");
      const seen = new Set<string>();
      const spanCounts: number[] = [];
      let midBuild = false;
      await waitFor(
        "the build to succeed",
        async () => {
          const states = await nodeStates();
          states.forEach(([, state]) => seen.add(state));
          spanCounts.push(await spanCount());
          const done = states.filter(([, state]) => state === "done").length;
          if (!midBuild && done >= 10 && states.some(([, state]) => state === "creating")) {
            midBuild = true;
            assert.match(
              await text("env-progress"),
              /^\d+\/45 resources finished · elapsed [\d.ms ]+ · ETA ~/,
            );
            assert.match((await page.getByTestId("timeline-eta").textContent()) ?? "", /^ETA /);
            await shot("building");
          }
          return (await text("env-status")) === "apply succeeded";
        },
        { timeoutMs: 90_000, intervalMs: 300 },
      );
      assert.ok(midBuild, "the page was seen mid-build");
      for (const state of ["waiting", "creating", "done"]) assert.ok(seen.has(state), `${state} was shown`);
      // A sample reads the timeline, then the status: the page can re-render in between, so the last
      // sample's rows may predate the render that said "succeeded". That render shows every row.
      await waitFor("every row in the timeline", async () => (await spanCount()) === 45, {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      assert.ok(spanCounts[0]! < 45, `timeline rows grew: ${spanCounts.join(",")}`);
      const states = await nodeStates();
      assert.equal(states.length, 45);
      assert.deepEqual(new Set(states.map(([, state]) => state)), new Set(["done"]));
      // The critical path is drawn: its resources outlined in the DAG and starred in the timeline.
      const critical = await page.$$eval(".node.critical", (nodes) =>
        nodes.map((n) => n.getAttribute("data-node")),
      );
      assert.deepEqual(critical, [
        "base/resource-group",
        "cache/cluster",
        "cache/database",
        "cache/key-vault-secrets",
        "cache/kubernetes-secret",
      ]);
      assert.equal(await page.locator(".span.critical").count(), 5);
      await page
        .getByTestId("plan-summary")
        .filter({ hasText: /^Against Azure now: 39 unchanged, 6 unknown\.$/ })
        .waitFor();
      const outputs = await text("outputs");
      assert.match(outputs, /resourceGroupId\s+\/subscriptions\/[^\n]+\/resourceGroups\/rg-acme-dash/);
      assert.match(outputs, /dataModules\.db\.keyVaultSecretNames\s+\S+/);
      await shot("succeeded");
    }));

  test("shows a failure with Azure's code and message, the failed resource red and its dependents skipped", () =>
    step("failure", async () => {
      world.stack.emulator!.admin.addFaults([
        {
          match: { method: "PUT", resourceType: "Microsoft.Network/natGateways" },
          times: 1,
          effect: { kind: "http", status: 400, code: "NatGatewayRefused" },
        },
      ]);
      assert.equal((await apply("minimal.yaml", "broken")).status, 202);
      await page.locator('[data-testid="env-row"][data-env="acme-broken"]').waitFor({ timeout: 10_000 });
      await selectEnvironment("acme-broken");
      await badge("apply failed");
      const failures = await text("failures");
      assert.match(failures, /^base\/nat-gateway: NatGatewayRefused /);
      const states = new Map(await nodeStates());
      assert.equal(states.get("base/nat-gateway"), "failed");
      assert.equal(states.get("base/subnet-nodes"), "skipped");
      await shot("failed");
    }));

  test("Cancel stops a running build, and Re-apply starts it again", () =>
    step("cancel", async () => {
      // Azure four times slower: the build is surely still running when the button is pressed, and the
      // Key Vault create it leaves in flight (2 min × 4) still ends within the provisioner's deadline for
      // it (10 min), which the re-apply waits on. Ten times slower would outlast the deadline.
      world.stack.emulator!.admin.setTimeScale(OPERATOR_TIME_SCALE * 4);
      try {
        assert.equal((await apply("minimal.yaml", "stopped")).status, 202);
        await page.locator('[data-testid="env-row"][data-env="acme-stopped"]').waitFor({ timeout: 10_000 });
        await selectEnvironment("acme-stopped");
        await badge("apply running");
        await page.getByTestId("cancel").click();
        await badge("apply canceled");
        await page
          .getByTestId("action-result")
          .filter({ hasText: /^Cancel: accepted \(202\)$/ })
          .waitFor();
        assert.equal(await page.getByTestId("cancel").isDisabled(), true);
      } finally {
        world.stack.emulator!.admin.setTimeScale(OPERATOR_TIME_SCALE);
      }
      await page.getByTestId("apply").click();
      await page
        .getByTestId("action-result")
        .filter({ hasText: /^Re-apply: accepted \(202\)$/ })
        .waitFor();
      await badge("apply succeeded");
    }));

  test("Destroy asks to type the environment's name, then follows the destroy to its end", () =>
    step("destroy", async () => {
      await selectEnvironment("acme-dash");
      await badge("apply succeeded");
      await page.getByTestId("destroy").click();
      const dialog = page.getByTestId("destroy-dialog");
      await dialog.waitFor();
      const go = page.getByTestId("destroy-go");
      assert.equal(await go.isDisabled(), true);
      await page.getByTestId("destroy-confirm").fill("acme-dashboard");
      assert.equal(await go.isDisabled(), true, "a wrong name destroys nothing");
      await page.getByTestId("destroy-confirm").fill("acme-dash");
      assert.equal(await go.isDisabled(), false);
      await shot("destroy-confirmation");
      await go.click();
      await badge("destroy succeeded");
      assert.deepEqual(new Set((await nodeStates()).map(([, state]) => state)), new Set(["deleted"]));
      assert.match(await text("outputs"), /none/);
      await shot("destroyed");
    }));

  test("raised no script error and no Content-Security-Policy violation on the way", () => {
    assert.deepEqual(pageErrors, []);
  });
});
