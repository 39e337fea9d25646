/**
 * The azd template (azure.yaml, infra/) checked without Azure, azd or a Bicep compiler: it sets every app
 * setting the code reads (or says why not), documents every parameter, deploys the zip `npm run package`
 * writes, uses only documented built-in roles besides the generated custom role, and creates that role
 * from the files `envctl permissions` prints.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { runInMemory } from "../cli/in-memory-cli";
import { PROVISIONER_SETTING_NAMES } from "../../lib/config";
import {
  AKS_RBAC_CLUSTER_ADMIN_ROLE_ID,
  KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID,
  KEY_VAULT_SECRETS_OFFICER_ROLE_ID,
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  NETWORK_CONTRIBUTOR_ROLE_ID,
} from "../../lib/plan";
import { bicepParams, bicepResources, objectKeys, propertyOf } from "./bicep-text";
import { readRepositoryFile, repositoryRoot } from "./repository";

/** Code that runs on Azure: the layers below the CLI and the local tools. */
const PRODUCT_DIRS = ["functions", "orchestrations", "activities", "lib"];

function filesUnder(dir: string): string[] {
  const root = repositoryRoot();
  const walk = (path: string): string[] =>
    readdirSync(path).flatMap((entry) => {
      const full = join(path, entry);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  return walk(join(root, dir)).map((file) => relative(root, file).split("\\").join("/"));
}

const productSources = () =>
  PRODUCT_DIRS.flatMap(filesUnder).filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"));

/** Settings the product reads: the config schema's keys, and every literal `env.NAME` / `env["NAME"]`. */
function settingsReadByCode(): Set<string> {
  const names = new Set(PROVISIONER_SETTING_NAMES);
  for (const file of productSources()) {
    const text = readRepositoryFile(file);
    for (const match of text.matchAll(/\benv\??\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
    for (const match of text.matchAll(/\benv\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\]/g))
      names.add(match[1]!);
  }
  return names;
}

/**
 * Settings the code reads that the template deliberately does not set, and why. A setting leaves this
 * list when the template sets it; the test fails on a stale entry.
 */
const LEFT_OUT: Readonly<Record<string, string>> = {
  AzureWebJobsStorage:
    "a connection string carries an account key; the account refuses shared keys and the app uses the identity-based AzureWebJobsStorage__* settings",
  AzureWebJobsStorage__accountName:
    "the template sets the per-service URIs (__blobServiceUri, __queueServiceUri, __tableServiceUri) that Durable Functions documents",
  PROVISIONER_ARM_ENDPOINT: "selects the local emulator; on Azure it must be unset",
  PROVISIONER_CA_CERT_PATH: "the emulator's CA; only with PROVISIONER_ARM_ENDPOINT",
  IDENTITY_ENDPOINT:
    "set by the App Service platform for a managed identity; the product reads it only in emulator mode",
  IDENTITY_HEADER:
    "set by the App Service platform for a managed identity; the product reads it only in emulator mode",
  PROVISIONER_POLL_INTERVAL_MS:
    "an override for tests; on Azure each resource type's own interval (lib/latency-model.ts) applies",
  PROVISIONER_PREFLIGHT_CACHE_SEC:
    "preflight's cache window; its default (5 minutes) suits Azure, and tests set 0",
  PROVISIONER_SUBSCRIPTION_ID:
    "the older single-subscription setting, kept for existing deployments; the template sets the allow-list PROVISIONER_SUBSCRIPTION_IDS",
  PROVISIONER_AUTH_AUTHORITY:
    "Entra's public-cloud authority is the default; only sovereign clouds and the local emulator set it",
  WEBSITE_SITE_NAME: "set by the App Service platform; the app reads it to know it runs on Azure",
  WEBSITE_INSTANCE_ID: "set by the App Service platform; the app reads it to know it runs on Azure",
};

/** Settings the template sets that the product code does not read itself, and who does. */
const READ_BY_PLATFORM: Readonly<Record<string, string>> = {
  AzureWebJobsStorage__blobServiceUri:
    "the Functions host and Durable Functions (blob leases, large messages)",
  AzureWebJobsStorage__queueServiceUri: "Durable Functions and the environment-requests queue trigger",
  APPLICATIONINSIGHTS_CONNECTION_STRING: "the Functions host (telemetry)",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "the Functions host (Entra ID authentication of telemetry)",
  AZURE_CLIENT_ID: "@azure/identity's DefaultAzureCredential, to pick the user-assigned managed identity",
};

function appSettingsOfTemplate(): string[] {
  const found: string[] = [];
  for (const file of filesUnder("infra").filter((path) => path.endsWith(".bicep"))) {
    const text = readRepositoryFile(file);
    for (const resource of bicepResources(text)) {
      if (resource.type === "Microsoft.Web/sites/config") {
        if (propertyOf(text, resource.bodyStart, resource.bodyEnd, "name") !== "'appsettings'") continue;
        found.push(...objectKeys(propertyOf(text, resource.bodyStart, resource.bodyEnd, "properties")!));
      }
      if (resource.type === "Microsoft.Web/sites") {
        const properties = propertyOf(text, resource.bodyStart, resource.bodyEnd, "properties") ?? "";
        assert.ok(
          !/\bappSettings\s*:/.test(properties),
          `${file}: set app settings in one place, the appsettings config`,
        );
      }
    }
  }
  return found;
}

describe("the template's app settings", () => {
  const read = settingsReadByCode();
  const set = new Set(appSettingsOfTemplate());

  it("are read as literals: a computed env[name] would hide a setting from this test", () => {
    for (const file of productSources()) {
      const text = readRepositoryFile(file);
      const dynamic = text.match(/\benv\[\s*(?!["'`])[^\]]*\]/g) ?? [];
      assert.deepEqual(dynamic, [], `${file} reads the environment with a computed name; write env.NAME`);
    }
  });

  it("include every setting the code reads, except those left out with a reason", () => {
    const missing = [...read].filter((name) => !set.has(name) && !(name in LEFT_OUT));
    assert.deepEqual(
      missing,
      [],
      "set these in infra/app.bicep's appsettings, or add them to LEFT_OUT with why",
    );
  });

  it("leave out only settings the code reads, and never set one they leave out", () => {
    for (const name of Object.keys(LEFT_OUT)) {
      assert.ok(read.has(name), `${name} is listed as left out, but no code reads it any more`);
      assert.ok(!set.has(name), `${name} is listed as left out, but the template sets it`);
    }
  });

  it("set nothing nobody reads: every other setting is read by the platform or a library, named here", () => {
    const unexplained = [...set].filter((name) => !read.has(name) && !(name in READ_BY_PLATFORM));
    assert.deepEqual(unexplained, []);
    for (const name of Object.keys(READ_BY_PLATFORM)) {
      assert.ok(
        set.has(name),
        `${name} is explained as read by the platform, but the template does not set it`,
      );
    }
  });

  it("use identity-based storage only: shared keys off, no connection string or key anywhere in infra/", () => {
    const app = readRepositoryFile("infra/app.bicep");
    assert.match(app, /allowSharedKeyAccess:\s*false/);
    assert.match(app, /AzureWebJobsStorage__credential:\s*'managedidentity'/);
    for (const file of filesUnder("infra").filter((path) => path.endsWith(".bicep"))) {
      const text = readRepositoryFile(file);
      assert.ok(!/AccountKey=|listKeys\(|InstrumentationKey=/.test(text), `${file} uses a key`);
    }
  });
});

describe("the template's parameters", () => {
  const files = filesUnder("infra").filter((path) => path.endsWith(".bicep"));
  const docs = readRepositoryFile("docs/deploy.md");

  it("each carry a @description", () => {
    for (const file of files) {
      for (const param of bicepParams(readRepositoryFile(file))) {
        assert.ok(param.description?.trim(), `${file}: param ${param.name} has no @description('…')`);
      }
    }
  });

  it("of main.bicep each have a row in docs/deploy.md's parameter table", () => {
    for (const param of bicepParams(readRepositoryFile("infra/main.bicep"))) {
      assert.match(
        docs,
        new RegExp(`^\\| \`${param.name}\` +\\|`, "m"),
        `docs/deploy.md: no row for ${param.name}`,
      );
    }
  });

  it("match main.parameters.json: every mapped one exists, every one without a default is mapped", () => {
    const params = bicepParams(readRepositoryFile("infra/main.bicep"));
    const mapped = Object.keys(
      (JSON.parse(readRepositoryFile("infra/main.parameters.json")) as { parameters: object }).parameters,
    );
    const names = params.map((param) => param.name);
    for (const name of mapped) assert.ok(names.includes(name), `main.parameters.json maps unknown ${name}`);
    for (const param of params.filter((p) => !p.hasDefault)) {
      assert.ok(
        mapped.includes(param.name),
        `${param.name} has no default and is not in main.parameters.json`,
      );
    }
  });
});

/** Where `npm run package` leaves the zip until arch/packages' script says otherwise (agreed path). */
const AGREED_PACKAGE_ZIP = "dist-package/azure-env-provisioner.zip";

interface AzureYaml {
  services: Record<
    string,
    { project: string; language: string; host: string; remoteBuild?: boolean; hooks?: Record<string, Hook> }
  >;
  hooks: Record<string, Hook>;
  workflows: { up: { steps: { azd: string | { args: string[] } }[] } };
}
type Hook = { posix: { run: string }; windows: { run: string } };

describe("azure.yaml", () => {
  const azure = parseYaml(readRepositoryFile("azure.yaml")) as AzureYaml;
  const steps = azure.workflows.up.steps.map((step) =>
    typeof step.azd === "string" ? step.azd.split(" ") : step.azd.args,
  );
  const deploy = steps.find((args) => args[0] === "deploy") ?? [];
  const zip = deploy[deploy.indexOf("--from-package") + 1];

  it("declares the Function App service: host function, language ts, from the repository root, no remote build", () => {
    assert.deepEqual(
      { ...azure.services.api, hooks: undefined },
      { project: ".", language: "ts", host: "function", remoteBuild: false, hooks: undefined },
    );
  });

  it("runs azd up as provision, then deploy of the packaged zip", () => {
    assert.deepEqual(steps[0], ["provision"]);
    assert.deepEqual(deploy.slice(0, 3), ["deploy", "api", "--from-package"]);
    assert.ok(zip?.endsWith(".zip"), `azd up deploys ${zip}`);
  });

  it("builds the zip before every deploy with npm run package, on POSIX and Windows", () => {
    for (const shell of ["posix", "windows"] as const) {
      assert.match(azure.hooks.predeploy![shell].run, /npm run package/);
    }
  });

  it("refuses azd's own packaging of the service, which would zip the whole repository", () => {
    for (const shell of ["posix", "windows"] as const) {
      assert.match(azure.services.api!.hooks!.prepackage![shell].run, /exit 1/);
    }
  });

  it("deploys the zip npm run package writes", () => {
    const packageJson = JSON.parse(readRepositoryFile("package.json")) as { scripts: Record<string, string> };
    const script = packageJson.scripts.package;
    if (script === undefined) {
      // Until `npm run package` lands (arch/packages), the path agreed for it.
      assert.equal(zip, AGREED_PACKAGE_ZIP);
      return;
    }
    if (/--out\b/.test(script)) {
      assert.match(
        script,
        new RegExp(`--out\\s+${zip!.replace(/[.]/g, "\\.")}(\\s|$)`),
        "npm run package --out",
      );
      return;
    }
    // `node dist/x/y.js` runs the compiled scripts/…/y.ts: read the source, present whether or not built.
    const runs = /\bnode\s+(\S+\.[cm]?js)\b/.exec(script)?.[1];
    const sourceOf = (path: string) => {
      const ts = path.replace(/^dist\//, "").replace(/\.[cm]?js$/, ".ts");
      return existsSync(join(repositoryRoot(), ts)) ? readRepositoryFile(ts) : readRepositoryFile(path);
    };
    const source = runs ? sourceOf(runs) : script;
    const [dir, file] = [zip!.slice(0, zip!.lastIndexOf("/")), zip!.slice(zip!.lastIndexOf("/") + 1)];
    assert.ok(
      source.includes(zip!) || (source.includes(dir) && source.includes(file)),
      `npm run package (${runs ?? script}) does not write ${zip}; update workflows.up in azure.yaml`,
    );
  });

  it("names the same zip as docs/deploy.md", () => {
    assert.ok(readRepositoryFile("docs/deploy.md").includes(zip!), "docs/deploy.md does not name the zip");
  });
});

/** Role GUIDs in a text. */
const guidsIn = (text: string) =>
  [...text.matchAll(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi)].map((m) =>
    m[0]!.toLowerCase(),
  );

describe("the roles", () => {
  const docs = readRepositoryFile("docs/deploy.md");
  /** Rows of docs/deploy.md's role table: `| Name | `guid` | [source](https://…) |`. */
  const documented = new Map(
    [...docs.matchAll(/^\| ([^|]+?) +\| `([0-9a-f-]{36})` +\| .*\]\((https:\/\/[^)]+)\).*\|$/gm)].map((m) => [
      m[2]!.toLowerCase(),
      { name: m[1]!.trim(), source: m[3]! },
    ]),
  );

  it("used by the template, the condition and the planner are built-in roles listed in docs/deploy.md with a source", () => {
    const used = new Set([
      ...filesUnder("infra").flatMap((file) => guidsIn(readRepositoryFile(file))),
      KEY_VAULT_SECRETS_OFFICER_ROLE_ID,
      AKS_RBAC_CLUSTER_ADMIN_ROLE_ID,
      KEY_VAULT_CERTIFICATES_OFFICER_ROLE_ID,
      KEY_VAULT_SECRETS_USER_ROLE_ID,
      NETWORK_CONTRIBUTOR_ROLE_ID,
    ]);
    for (const guid of used)
      assert.ok(documented.has(guid), `role ${guid} is not in docs/deploy.md's role table`);
  });

  it("are named in the template as docs/deploy.md names them (var storageBlobDataOwner = Storage Blob Data Owner)", () => {
    const app = readRepositoryFile("infra/app.bicep");
    for (const match of app.matchAll(/^var (\w+) = '([0-9a-f-]{36})'/gm)) {
      const row = documented.get(match[2]!.toLowerCase());
      assert.equal(row?.name.replace(/\s+/g, "").toLowerCase(), match[1]!.toLowerCase(), match[0]);
    }
  });

  it("never include Owner, Contributor or User Access Administrator", () => {
    const broad = [
      "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      "b24988ac-6180-42a0-ab88-20f7382dd24c",
      "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    ];
    for (const file of filesUnder("infra")) {
      for (const guid of guidsIn(readRepositoryFile(file)))
        assert.ok(!broad.includes(guid), `${file} uses ${guid}`);
    }
  });
});

describe("the custom role", () => {
  /** What `envctl permissions ARGS` prints, as its stdout bytes. */
  async function envctlOutput(args: string[]): Promise<string> {
    const run = await runInMemory(args);
    assert.deepEqual([run.code, run.stderr], [0, []]);
    return run.stdout.map((line) => `${line}\n`).join("");
  }

  it("is committed as envctl permissions prints it (regenerate: envctl permissions > infra/provisioner-role.json)", async () => {
    assert.equal(readRepositoryFile("infra/provisioner-role.json"), await envctlOutput(["permissions"]));
  });

  it("has its assignment condition committed as envctl permissions --condition prints it", async () => {
    assert.equal(
      readRepositoryFile("infra/provisioner-role-condition.json"),
      await envctlOutput(["permissions", "--condition"]),
    );
  });

  it("is created from those files and assigned with the condition, in each subscription environments are built in", () => {
    const access = readRepositoryFile("infra/provisioner-access.bicep");
    assert.match(access, /loadJsonContent\('provisioner-role\.json'\)/);
    assert.match(access, /loadJsonContent\('provisioner-role-condition\.json'\)/);
    assert.match(
      access,
      /condition: replace\(condition\.condition, condition\.principalIdPlaceholder, principalId\)/,
    );
    assert.match(access, /conditionVersion: condition\.conditionVersion/);
    const main = readRepositoryFile("infra/main.bicep");
    assert.match(
      main,
      /module access 'provisioner-access\.bicep' = \[\s*for \(buildSubscriptionId, index\) in buildSubscriptionIds:[^]*?scope: subscription\(buildSubscriptionId\)/,
    );
    assert.match(main, /principalId: app\.outputs\.principalId/);
    // The app's allow-list is exactly the subscriptions the role is created in.
    assert.match(main, /targetSubscriptionIds: buildSubscriptionIds/);
    assert.match(
      readRepositoryFile("infra/app.bicep"),
      /PROVISIONER_SUBSCRIPTION_IDS: join\(targetSubscriptionIds, ','\)/,
    );
  });
});

describe("host.json on Flex Consumption", () => {
  const host = JSON.parse(readRepositoryFile("host.json")) as {
    extensionBundle: { version: string };
    extensions: { durableTask: { storageProvider: { type: string; maxQueuePollingInterval?: string } } };
  };

  it("polls Durable queues at most every 10 s, as Microsoft recommends for Flex Consumption", () => {
    const interval = host.extensions.durableTask.storageProvider.maxQueuePollingInterval ?? "00:00:30";
    const [hours, minutes, seconds] = interval.split(":").map(Number);
    assert.ok(hours! * 3600 + minutes! * 60 + seconds! <= 10, `maxQueuePollingInterval is ${interval}`);
  });

  it("uses the Azure Storage backend and extension bundle 4, both supported on Flex Consumption", () => {
    assert.equal(host.extensions.durableTask.storageProvider.type, "AzureStorage");
    assert.match(host.extensionBundle.version, /^\[4\./);
  });

  it("lets the template keep Durable instances always ready (the durable group)", () => {
    assert.match(
      readRepositoryFile("infra/app.bicep"),
      /name: 'durable'\s+instanceCount: durableAlwaysReadyInstances/,
    );
  });
});
