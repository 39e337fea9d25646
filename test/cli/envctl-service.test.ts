/**
 * envctl against the service, as a user runs it: the real program in a child process, talking to the
 * local stack over HTTP, output not on a terminal (plain lines, or NDJSON with `-o json`). What the user
 * sees — lines, states, failures with Azure's code, exit codes — is what is asserted.
 */
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createTestCertificate } from "@azure-env-provisioner/azure-emulator";
import { waitFor } from "../support/wait-for";
import {
  OPERATOR_TIME_SCALE,
  operationStatus,
  startOperatorStack,
  type OperatorStack,
} from "./operator-stack";

let world: OperatorStack;
before(async () => {
  world = await startOperatorStack();
});
after(() => world?.stop());

const lines = (text: string) => text.trimEnd().split("\n");

describe("envctl login", () => {
  test("fails with exit 2 on a key the service refuses, and saves nothing", async () => {
    const run = await world.envctl(["login", world.url, "--key-stdin"], { stdin: "not-the-key\n" });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /refused the key; nothing saved/);
    assert.throws(() => statSync(join(world.scratch, "config", "envctl", "profile.json")));
  });

  test("checks the key, saves URL and key in a profile only its owner reads, and never prints the key", async () => {
    const run = await world.envctl(["login", `${world.url}/api/`, "--key-stdin"], {
      stdin: `${world.key}\n`,
    });
    assert.equal(run.code, 0, run.stderr);
    const profile = join(world.scratch, "config", "envctl", "profile.json");
    assert.equal(run.stdout, `Logged in to ${world.url} (0 environments); profile saved in ${profile}\n`);
    assert.ok(!run.stdout.includes(world.key) && !run.stderr.includes(world.key), "the key is never printed");
    assert.equal(statSync(profile).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(profile, "utf8")), { url: world.url, key: world.key });
  });
});

describe("envctl plan and apply", () => {
  let file = "";
  let minimalKeys: string[] = [];
  before(async () => {
    file = world.example("minimal.yaml", "plain");
    const offline = await world.envctl(["plan", file, "--offline", "--json"]);
    const { plan } = JSON.parse(offline.stdout) as { plan: { nodes: { key: string }[] } };
    minimalKeys = plan.nodes.map((node) => node.key);
    assert.equal(minimalKeys.length, 21);
  });

  test("plan shows the live diff, every resource to create; --detailed-exitcode says 2 (changes)", async () => {
    const run = await world.envctl(["plan", file]);
    assert.equal(run.code, 0, run.stderr);
    const out = lines(run.stdout);
    assert.match(out[0]!, /^acme-plain against Azure now \(plan [0-9a-f]{12}, never applied\):$/);
    assert.ok(
      out.some((line) => /^ {2}\+ base\/vnet +virtualNetwork +create$/.test(line)),
      run.stdout,
    );
    assert.equal(out.at(-2), "Plan: 21 to create, 0 to update, 0 unchanged.");
    assert.match(out.at(-1)!, /^Preflight: passed \(\d+ Azure reads\)$/);
    const detailed = await world.envctl(["plan", file, "--detailed-exitcode"]);
    assert.equal(detailed.code, 2);
  });

  test("apply without --yes off a terminal applies nothing: exit 2, and says how", async () => {
    const run = await world.envctl(["apply", file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /not a terminal: nothing applied; pass --yes/);
    assert.equal(await operationStatus(world, "acme-plain"), undefined, "no record: nothing started");
  });

  test("apply --yes prints the diff, then one line per resource as it changes, to 'succeeded': exit 0", async () => {
    const run = await world.envctl(["apply", file, "--yes"]);
    assert.equal(run.code, 0, run.stderr);
    const out = lines(run.stdout);
    assert.ok(out.includes("Plan: 21 to create, 0 to update, 0 unchanged."));
    assert.ok(out.includes("apply of acme-plain: 21 resources (network 21), running"), run.stdout);
    for (const key of minimalKeys) {
      const done = new RegExp(`^\\[\\d+:\\d\\d\\] done +${key} +network +[\\d.]+s$`);
      assert.ok(
        out.some((line) => done.test(line)),
        `${key} done\n${run.stdout}`,
      );
    }
    // A resource is seen "creating" when a read falls within its creation: the Key Vault takes seconds here.
    assert.ok(
      out.some((line) => /^\[\d+:\d\d\] creating +base\/key-vault +network$/.test(line)),
      run.stdout,
    );
    assert.ok(!out.some((line) => / unknown /.test(line)), "every resource has a known state from the start");
    assert.ok(
      out.some((line) => /^\[\d+:\d\d\] progress +\d+\/21 finished, stage network, ETA ~/.test(line)),
    );
    assert.match(out.at(-1)!, /^Apply of acme-plain succeeded in [\d.]+s: 21 done$/);
  });

  test("plan after the build: nothing would change; --detailed-exitcode says 0", async () => {
    const run = await world.envctl(["plan", file, "--detailed-exitcode"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /as last applied\):\n {2}every resource matches the spec\nPlan: 0 to create, 0 to update, 21 unchanged\.\nPreflight: passed \(\d+ Azure reads\)\n$/,
    );
  });

  test("a changed spec: plan names the resource and the changed path, applying it updates only that", async () => {
    const changed = world.example("minimal.yaml", "plain", (text) =>
      text.replace("  - type: base", "  - type: base\n    nodes_subnet_cidr: 10.0.8.0/22"),
    );
    const plan = await world.envctl(["plan", changed]);
    assert.match(plan.stdout, /\n {2}~ base\/subnet-nodes +subnet +update: addressPrefix\n/);
    // Azure twenty times slower for this update (2 s, within its deadline): a read surely falls within it.
    world.stack.emulator!.admin.setTimeScale(OPERATOR_TIME_SCALE * 20);
    const apply = await world
      .envctl(["apply", changed, "--yes"])
      .finally(() => world.stack.emulator!.admin.setTimeScale(OPERATOR_TIME_SCALE));
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /\] updating +base\/subnet-nodes +network\n/);
    assert.match(apply.stdout, /\] done +base\/subnet-nodes +network +[\d.]+s\n/);
    assert.match(
      lines(apply.stdout).at(-1)!,
      /^Apply of acme-plain succeeded in [\d.]+s: 20 unchanged, 1 done$/,
    );
  });

  test("fails with exit 2 on an invalid spec, before the service sees it", async () => {
    const bad = world.example("minimal.yaml", "Bad_Name");
    const run = await world.envctl(["apply", bad, "--yes"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /: 1 problem; nothing sent\n {2}name: /);
  });

  test("fails with exit 2, applying nothing, when preflight finds what Azure would refuse", async () => {
    const foreign = world.example("minimal.yaml", "foreign", (text) =>
      text.replace(/tenant_id: .*/, "tenant_id: abcd0000-0000-4000-8000-000000000009"),
    );
    const run = await world.envctl(["apply", foreign, "--yes"]);
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /preflight: 1 problem Azure would refuse; nothing was written\n/);
    assert.match(run.stderr, /providers\.azurerm\.tenant_id: the provisioner's identity belongs to tenant/);
    assert.equal(await operationStatus(world, "acme-foreign"), undefined, "no record: nothing started");
  });
});

describe("a failure in Azure", () => {
  test("streams NDJSON: the failed resource with Azure's code as it happens, its dependents skipped; exit 3", async () => {
    world.stack.emulator!.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Network/natGateways" },
        times: 1,
        effect: { kind: "http", status: 400, code: "NatGatewayRefused" },
      },
    ]);
    const file = world.example("minimal.yaml", "faulty");
    const run = await world.envctl(["apply", file, "--yes", "--output", "json"]);
    assert.equal(run.code, 3, run.stderr);
    const events = lines(run.stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(events[0]!.event, "plan");
    assert.equal(events[1]!.event, "start");
    const failure = events.find((event) => event.event === "failure")!;
    assert.equal(failure.nodeKey, "base/nat-gateway");
    assert.equal(failure.code, "NatGatewayRefused");
    const states = new Map(events.filter((e) => e.event === "node").map((e) => [e.key, e.state]));
    assert.equal(states.get("base/nat-gateway"), "failed");
    assert.equal(states.get("base/subnet-nodes"), "skipped");
    const end = events.at(-1)!;
    assert.equal(end.event, "end");
    assert.equal(end.status, "failed");
    assert.deepEqual(
      (end.failures as { code: string }[]).map((f) => f.code),
      ["NatGatewayRefused"],
    );
    assert.ok(events.every((event) => typeof event.at === "string"));
  });

  test("status then shows every resource's state by stage, the failure, and how the apply ended", async () => {
    const run = await world.envctl(["status", "acme-faulty"]);
    assert.equal(run.code, 0, run.stderr);
    const out = lines(run.stdout);
    assert.equal(out[0], "apply acme-faulty · failed");
    assert.ok(out.includes("network  21/21"), run.stdout);
    assert.ok(out.some((line) => /^ {2}✗ base\/nat-gateway +failed/.test(line)));
    assert.ok(out.some((line) => /^ {2}- base\/subnet-nodes +skipped/.test(line)));
    assert.ok(out.some((line) => /^ {2}✗ base\/nat-gateway: NatGatewayRefused: /.test(line)));
    assert.ok(out.some((line) => /^Apply of acme-faulty failed after /.test(line)));
  });
});

describe("envctl on a running build: busy, watch, list, cancel", () => {
  const id = "acme-busy";
  let file = "";
  before(() => {
    file = world.example("staging.yaml", "busy");
    // Azure five times slower than elsewhere here, so the build surely runs while it is canceled.
    world.stack.emulator!.admin.setTimeScale(OPERATOR_TIME_SCALE * 5);
  });
  after(() => world.stack.emulator!.admin.setTimeScale(OPERATOR_TIME_SCALE));

  test("apply --no-wait starts the build and returns at once, saying how to follow it", async () => {
    const run = await world.envctl(["apply", file, "--yes", "--no-wait"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /\nApply of acme-busy started \(39 to create, 0 to update, 0 unchanged, 6 re-checked on apply\)\nFollow it: envctl watch acme-busy\n$/,
    );
    assert.equal(await operationStatus(world, id), "running");
  });

  test("fails with exit 4 on a second apply while the first runs", async () => {
    const run = await world.envctl(["apply", file, "--yes"]);
    assert.equal(run.code, 4, run.stdout);
    assert.match(run.stderr, /^Environment busy \(409\): an apply of "acme-busy" is running since /);
  });

  test("list shows it running with its elapsed time and ETA", async () => {
    const run = await world.envctl(["list"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ENVIRONMENT +LAST +STATUS +STARTED +TOOK\n/);
    assert.match(run.stdout, /\nacme-busy +apply +running +\S+Z +[\d.ms ]+, ETA ~/);
    assert.match(run.stdout, /\nacme-plain +apply +succeeded /);
  });

  test("cancel stops it (exit 0); a second cancel finds nothing running (exit 4)", async () => {
    await waitFor(
      "the cache to be creating",
      async () => {
        const view = (await (await world.api(`environments/${id}`)).json()) as {
          progress?: { nodes: Record<string, string> };
        };
        return view.progress?.nodes["cache/cluster"] === "creating";
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const run = await world.envctl(["cancel", id]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^Canceled the apply of acme-busy\.\nAzure was still writing \(it finishes them on its own\): .*cache\/cluster/,
    );
    assert.equal(await operationStatus(world, id), "canceled");
    const again = await world.envctl(["cancel", id]);
    assert.equal(again.code, 4);
    assert.match(again.stderr, /^Nothing to cancel \(409\)/);
  });

  test("watch of an operation that already ended prints how it ended: canceled, exit 3", async () => {
    const run = await world.envctl(["watch", id]);
    assert.equal(run.code, 3, run.stderr);
    assert.match(lines(run.stdout).at(-1)!, /^Apply of acme-busy canceled after /);
  });
});

describe("envctl destroy", () => {
  test("without --yes off a terminal destroys nothing: exit 2", async () => {
    const run = await world.envctl(["destroy", "acme-plain"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /not a terminal: nothing destroyed; pass --yes/);
  });

  test("--yes follows the destroy to its end: exit 0, and nothing is left to reach", async () => {
    const run = await world.envctl(["destroy", "acme-plain", "--yes"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(
      lines(run.stdout).includes("destroy of acme-plain: 21 resources (network 21), running"),
      run.stdout,
    );
    assert.match(run.stdout, /\] deleted +base\/vnet +network\n/);
    assert.match(lines(run.stdout).at(-1)!, /^Destroy of acme-plain succeeded in [\d.]+s: 21 deleted$/);
    const plan = await world.envctl(["plan", world.example("minimal.yaml", "plain"), "--detailed-exitcode"]);
    assert.equal(plan.code, 2);
    assert.match(
      plan.stdout,
      /Plan: 21 to create, 0 to update, 0 unchanged\.\nPreflight: passed \(\d+ Azure reads\)\n$/,
    );
  });

  test("fails with exit 2 on an environment that does not exist", async () => {
    const run = await world.envctl(["destroy", "acme-nothing", "--yes"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^Unknown environment \(404\)|^[^\n]*\(404\)/);
  });
});

describe("envctl without a reachable service", () => {
  test("fails with exit 1 and says it cannot reach the service", async () => {
    // A port nothing listens on: taken from the system, then let go.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const run = await world.envctl(["list"], { env: { ENVCTL_URL: url, ENVCTL_KEY: "k" } });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `envctl list: cannot reach ${url}: ECONNREFUSED\n`);
  });

  test("plan falls back to the offline plan with --offline", async () => {
    const run = await world.envctl(["plan", join("examples", "minimal.yaml"), "--offline"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Plan for acme-dev: 21 resources in rg-acme-dev \(westeurope\)\n/);
  });
});

describe("envctl certificate upload", () => {
  test("uploads the certificate a build waits for: exit 0, its public facts printed, and the build goes on", async () => {
    const file = world.example("public.yaml", "tls");
    const started = await world.envctl(["apply", file, "--yes", "--no-wait"]);
    assert.equal(started.code, 0, started.stderr);
    await waitFor(
      "the build to wait for the certificate",
      async () => {
        const view = (await (await world.api("environments/acme-tls")).json()) as {
          progress?: { waitingFor?: unknown[] };
        };
        return (view.progress?.waitingFor?.length ?? 0) > 0;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const wrong = createTestCertificate({ dnsNames: ["other.example.org"] });
    const wrongFile = join(world.scratch, "wrong.pem");
    writeFileSync(wrongFile, wrong.certificatePem + wrong.privateKeyPem);
    const refusedUpload = await world.envctl([
      "certificate",
      "upload",
      "acme-tls",
      "external-ssl-cert",
      wrongFile,
    ]);
    assert.equal(refusedUpload.code, 2, refusedUpload.stdout);
    assert.match(refusedUpload.stderr, /\(400\)/);
    assert.match(refusedUpload.stderr, /shop\.example\.com/);

    const certificate = createTestCertificate({ dnsNames: ["shop.example.com", "*.shop.example.com"] });
    const pem = join(world.scratch, "shop.pem");
    writeFileSync(pem, certificate.certificatePem + certificate.privateKeyPem);
    const run = await world.envctl(["certificate", "upload", "acme-tls", "external-ssl-cert", pem]);
    assert.equal(run.code, 0, run.stderr);
    const out = lines(run.stdout);
    assert.match(out[0]!, /^Uploaded external-ssl-cert for acme-tls \(PEM\): imported as version \S+$/);
    assert.match(out[1]!, /^ {2}key vault: +https:\/\/\S+\/certificates\/external-ssl-cert\/\S+$/);
    assert.match(out[3]!, /^ {2}subject: +CN=shop\.example\.com$/);
    assert.equal(out[4], "  names:       shop.example.com, *.shop.example.com");
    assert.equal(out.at(-1), "  the build waiting for it goes on: envctl watch acme-tls");
    assert.ok(!run.stdout.includes("PRIVATE KEY") && !run.stderr.includes("PRIVATE KEY"), "never the key");
    const watched = await world.envctl(["watch", "acme-tls"]);
    assert.equal(watched.code, 0, watched.stdout + watched.stderr);
    assert.match(watched.stdout, /Apply of acme-tls succeeded/);
  });
});
