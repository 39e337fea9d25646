/**
 * `envctl import-opta` end to end, through the real program (bin/envctl.js over the compiled CLI), on
 * files shaped like Opta's: what it prints where, its exit codes, and that what it writes is a spec
 * `envctl validate` and `envctl plan` accept as it is.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "yaml";
import { repositoryRoot } from "../support/repository-root";

const ROOT = repositoryRoot(__dirname);
const FIXTURES = join(ROOT, "test", "fixtures", "opta");
const scratch = mkdtempSync(join(tmpdir(), "envctl-import-opta-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs bin/envctl.js in the fixtures' folder, so files are named as a user in that folder would. */
function envctl(args: readonly string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, "bin", "envctl.js"), ...args], {
    cwd: FIXTURES,
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? "" },
  });
  const lines = (text: string) => text.split("\n").filter((line) => line !== "");
  return { code: result.status, stdout: result.stdout, stderr: lines(result.stderr) };
}

const OPTA_FILES = ["environment.yaml", "api.yaml", "worker.yaml"];

describe("envctl import-opta", () => {
  it("prints the spec as YAML on standard output and each warning on standard error, and exits 0", () => {
    const run = envctl(["import-opta", ...OPTA_FILES]);
    assert.equal(run.code, 0, run.stderr.join("\n"));
    const spec = parse(run.stdout) as { name: string; modules: { name?: string; type: string }[] };
    assert.equal(spec.name, "opta-ci");
    assert.deepEqual(
      spec.modules.map((module) => module.name ?? module.type),
      ["base", "k8s-cluster", "api-db", "cache", "worker-db"],
    );
    assert.equal(run.stderr.length, 11);
    assert.ok(
      run.stderr.every((line) => line.startsWith("warning: ")),
      run.stderr.join("\n"),
    );
    assert.ok(
      run.stderr.some((line) =>
        /^warning: api\.yaml:modules\[1\]\.sku_name: Standard C2 is an Azure Cache for Redis size; Azure Managed Redis builds it as Balanced_B3/.test(
          line,
        ),
      ),
      "names the Azure Managed Redis SKU Opta's cache is built as",
    );
    assert.ok(
      run.stderr.includes(
        'warning: api.yaml:modules[0].sku_name: "GP_Gen5_2" is a Single Server SKU (General Purpose, 2 vCores), and Single Server is retired; the converted spec uses Standard_D2ds_v5, the nearest flexible server SKU (GeneralPurpose, 2 vCores)',
      ),
    );
  });

  it("writes the spec to -o FILE, which envctl validate and envctl plan accept without a warning", () => {
    const output = join(scratch, "converted.yaml");
    const run = envctl(["import-opta", ...OPTA_FILES, "-o", output]);
    assert.equal(run.code, 0, run.stderr.join("\n"));
    assert.equal(run.stdout, "");
    assert.equal(run.stderr.at(-1), `import-opta: wrote ${output} (environment acme-opta-ci)`);
    assert.match(
      readFileSync(output, "utf8"),
      /^# Converted from Opta files by import-opta: environment\.yaml, api\.yaml, worker\.yaml\n/,
    );

    const validate = envctl(["validate", output]);
    assert.equal(validate.code, 0, validate.stderr.join("\n"));
    assert.deepEqual(validate.stderr, []);
    assert.match(
      validate.stdout,
      /valid \(environment acme-opta-ci; modules base, k8s-cluster, api-db, cache, worker-db\)/,
    );
    const plan = envctl(["plan", output, "--json"]);
    assert.equal(plan.code, 0, plan.stderr.join("\n"));
    const { plan: planned } = JSON.parse(plan.stdout) as { plan: { nodes: { key: string }[] } };
    assert.ok(planned.nodes.some((node) => node.key === "worker-db/kubernetes-secret"));
  });

  it("prints { ok, spec, specYaml, warnings } with --json", () => {
    const run = envctl(["import-opta", ...OPTA_FILES, "--json"]);
    assert.equal(run.code, 0);
    const printed = JSON.parse(run.stdout) as {
      ok: boolean;
      spec: unknown;
      specYaml: string;
      warnings: unknown[];
    };
    assert.equal(printed.ok, true);
    assert.deepEqual(parse(printed.specYaml), printed.spec);
    assert.equal(printed.warnings.length, 11);
  });

  it("refuses with exit 2, listing every problem at its file and path, and writes nothing", () => {
    const broken = join(scratch, "broken.yaml");
    writeFileSync(
      broken,
      [
        "name: shop",
        "modules:",
        "  - type: redis",
        "    capacity: 9",
        "  - type: k8s-service",
        "    links: [db]",
      ].join("\n"),
    );
    const output = join(scratch, "never.yaml");
    const run = envctl(["import-opta", "environment.yaml", broken, "-o", output]);
    assert.equal(run.code, 2);
    assert.deepEqual(
      run.stderr.filter((line) => !line.startsWith("warning: ")),
      [
        "import-opta: 2 problems; nothing written",
        `  ${broken}:modules[0].capacity: Standard offers capacities 0, 1, 2, 3, 4, 5, 6`,
        `  ${broken}:modules[1].links[0]: links "db", which is not a postgres or redis module of this file`,
      ],
    );
    assert.throws(() => readFileSync(output), { code: "ENOENT" });
  });

  it("refuses a missing file and a call without files with exit 2", () => {
    const missing = envctl(["import-opta", "environment.yaml", "nowhere.yaml"]);
    assert.equal(missing.code, 2);
    assert.ok(missing.stderr.includes("  cannot read nowhere.yaml: no such file"), missing.stderr.join("\n"));
    const none = envctl(["import-opta"]);
    assert.equal(none.code, 2);
    assert.equal(none.stderr[0], "envctl import-opta: missing the Opta environment FILE");
  });
});

describe("envctl validate and plan on Opta's own environment file", () => {
  it("accept the CI-shaped environment, warning about the add-on they skip, and plan the admin group's role", () => {
    const validate = envctl(["validate", "environment.yaml"]);
    assert.equal(validate.code, 0);
    assert.deepEqual(validate.stderr, [
      'warning: modules[2].type: Opta module type "k8s-base" is not built by this service and is skipped; it builds base, k8s-cluster, postgres, redis',
    ]);
    const plan = envctl(["plan", "environment.yaml"]);
    assert.equal(plan.code, 0);
    assert.match(plan.stdout, /k8s-cluster\/role-admin-group-5d6e7f80\s+roleAssignment/);
  });
});
