/**
 * `npm run package`: the zip holds the product and its production modules and nothing of the tooling,
 * and it runs: extracted alone in a temporary folder (no repository node_modules above it), its
 * `dist/functions/index.js` loads with the devhost's registration capture and registers every function.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  findAppRoot,
  loadFunctionApp,
  type FunctionRegistry,
} from "@azure-env-provisioner/functions-devhost";
import { open as openZip, type Entry, type ZipFile } from "yauzl";
import { ACTIVITY_NAMES } from "../../activities/contract";
import { API_ROUTES } from "../../functions/api-routes";
import { ENVIRONMENT_REQUESTS_QUEUE } from "../../functions/queue-requests";
import {
  BUILD_ENVIRONMENT,
  DESTROY_ENVIRONMENT,
  ENSURE_NODE_ORCHESTRATION,
  PROVISION_BATCH,
} from "../../orchestrations/contracts";
import { appFolderOf, buildDashboardDocument } from "../../functions/dashboard-page";
import { PRODUCT_OUTPUT_FOLDERS, packageApp, type PackagedApp } from "../../scripts/package-app";

const projectRoot = findAppRoot(__filename);

/**
 * A scratch folder in memory where Linux offers one: the test writes the zip's ~11,000 files, which takes
 * several times longer on a disk shared with other work. Elsewhere the OS temp folder.
 */
function scratchFolder(): string {
  try {
    return mkdtempSync(join("/dev/shm", "provisioner-package-"));
  } catch {
    return mkdtempSync(join(tmpdir(), "provisioner-package-"));
  }
}

/** Every file entry of the zip, written under `target`; resolves with their names as the zip lists them. */
function extract(zipPath: string, target: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    openZip(zipPath, { lazyEntries: true }, (error, zip: ZipFile | undefined) => {
      if (error || !zip) return reject(error ?? new Error("no zip"));
      const names: string[] = [];
      const folders = new Set<string>();
      zip.on("error", reject);
      zip.on("end", () => resolve(names));
      zip.on("entry", (entry: Entry) => {
        names.push(entry.fileName);
        if (entry.fileName.endsWith("/")) return zip.readEntry();
        // yauzl itself refuses entries with absolute or `..` paths (its decodeStrings default).
        const destination = join(target, entry.fileName);
        if (!folders.has(dirname(destination))) {
          mkdirSync(dirname(destination), { recursive: true });
          folders.add(dirname(destination));
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream)
            return reject(streamError ?? new Error(`no stream for ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          stream.on("end", () => {
            writeFileSync(destination, Buffer.concat(chunks), {
              mode: (entry.externalFileAttributes >>> 16) & 0o777 || 0o644,
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

describe("npm run package: the deployable zip", () => {
  const work = scratchFolder();
  const extracted = join(work, "app");
  let packaged: PackagedApp;
  let names: string[];

  before(async () => {
    packaged = await packageApp({ projectRoot, zipPath: join(work, "app.zip") });
    names = await extract(packaged.zipPath, extracted);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test("holds host.json, a production-only package.json, the compiled product and node_modules, at its top", () => {
    assert.deepEqual([...new Set(names.map((name) => name.split("/")[0]))].sort(), [
      "dashboard",
      "dist",
      "host.json",
      "node_modules",
      "package.json",
    ]);
    assert.deepEqual(
      [...new Set(names.filter((n) => n.startsWith("dist/")).map((n) => n.split("/")[1]))].sort(),
      ["activities", "dashboard", "functions", "lib", "orchestrations"],
    );
    assert.deepEqual(
      names.filter((name) => name.startsWith("dashboard/")).sort(),
      ["dashboard/dashboard.css", "dashboard/index.html"],
      "the dashboard's page and style, not its TypeScript",
    );
    assert.deepEqual(names.slice().sort(), [...packaged.entries]);
    const root = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const deployed = JSON.parse(readFileSync(join(extracted, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.equal(deployed.main, "dist/functions/index.js");
    assert.deepEqual(deployed.dependencies, root.dependencies);
    for (const tooling of ["devDependencies", "workspaces", "scripts", "bin", "overrides"]) {
      assert.equal(deployed[tooling], undefined, `${tooling} is not deployed`);
    }
    assert.deepEqual(
      JSON.parse(readFileSync(join(extracted, "host.json"), "utf8")),
      JSON.parse(readFileSync(join(projectRoot, "host.json"), "utf8")),
    );
  });

  test("holds no emulator, devhost, local-stack, CLI, test or bench code and no dev-only module", () => {
    const product = names.filter((name) => name.startsWith("dist/"));
    const tooling = product.filter((name) =>
      /emulator|devhost|local-stack|(^|\/)(test|bench|cli|scripts)\//.test(name),
    );
    assert.deepEqual(tooling, []);
    for (const name of product.filter((n) => n.endsWith(".js"))) {
      assert.doesNotMatch(readFileSync(join(extracted, name), "utf8"), /@azure-env-provisioner\//, name);
    }
    const installed = new Set(packaged.modules);
    for (const devOnly of [
      "@azure-env-provisioner/azure-emulator",
      "@azure-env-provisioner/functions-devhost",
      "azurite",
      "typescript",
      "fast-check",
      "tsx",
      "eslint",
      "prettier",
      "yazl",
      "yauzl",
      "@azure/storage-queue",
    ]) {
      assert.ok(!installed.has(`node_modules/${devOnly}`), `${devOnly} is not deployed`);
      assert.ok(
        !names.some((name) => name.startsWith(`node_modules/${devOnly}/`)),
        `${devOnly} has no files`,
      );
    }
    assert.ok(
      installed.has("node_modules/durable-functions") && installed.has("node_modules/@azure/identity"),
    );
    // The certificate upload route reads PFX uploads with it.
    assert.ok(installed.has("node_modules/node-forge"), "node-forge is deployed");
  });

  test("loads: the extracted app registers the HTTP API, the queue trigger, the orchestrations and the activities", () => {
    const registry: FunctionRegistry = loadFunctionApp(join(extracted, "dist", "functions", "index.js"));
    const byType = (type: string) =>
      registry
        .byTriggerType(type)
        .map((fn) => fn.name)
        .sort();
    assert.deepEqual(byType("httpTrigger"), Object.keys(API_ROUTES).sort());
    for (const [name, route] of Object.entries(API_ROUTES)) {
      const trigger = registry.functions.get(name)?.trigger;
      assert.equal(trigger?.route, route.route, name);
      assert.deepEqual(trigger?.methods, [route.method], name);
    }
    // functions/queue-trigger.ts's name; imported here it would register itself outside the capture.
    assert.deepEqual(byType("queueTrigger"), ["environmentRequests"]);
    assert.equal(
      registry.functions.get("environmentRequests")?.trigger.queueName,
      ENVIRONMENT_REQUESTS_QUEUE,
    );
    assert.deepEqual(
      byType("orchestrationTrigger"),
      [BUILD_ENVIRONMENT, DESTROY_ENVIRONMENT, ENSURE_NODE_ORCHESTRATION, PROVISION_BATCH].sort(),
    );
    assert.deepEqual(byType("activityTrigger"), [...ACTIVITY_NAMES].sort());
    // It ran from the zip's own modules, not the repository's.
    const loaded = Object.keys(require.cache).filter((path) => path.startsWith(extracted));
    assert.ok(loaded.some((path) => path.includes(join("node_modules", "durable-functions"))));
    assert.ok(loaded.some((path) => path.includes(join("node_modules", "@azure", "functions"))));
  });

  test("serves the dashboard from the extracted app alone: page, style and script in one document", () => {
    const page = buildDashboardDocument(appFolderOf(join(extracted, "dist", "functions")));
    assert.equal(appFolderOf(join(extracted, "dist", "functions")), extracted);
    assert.match(page.html, /^<!doctype html>/);
    assert.match(page.html, /<style>[^]*--failed:[^]*<\/style>/);
    assert.match(page.html, /<script type="module">[^]*function renderGraph[^]*<\/script>/);
    assert.doesNotMatch(page.html, /<!-- dashboard\.(css|js) -->/);
    assert.match(page.headers["content-security-policy"]!, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  test(".funcignore keeps everything but what the zip holds out of func azure functionapp publish", () => {
    const patterns = readFileSync(join(projectRoot, ".funcignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((pattern) => {
        const glob = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
        return new RegExp(pattern.startsWith("/") ? `^${glob.slice(1)}$` : `(^|/)${glob}$`);
      });
    const ignored = (path: string) => patterns.some((pattern) => pattern.test(path));
    const deployed = new Set([
      "host.json",
      "package.json",
      "package-lock.json",
      "dist",
      "node_modules",
      "dashboard",
    ]);
    const uploaded = readdirSync(projectRoot).filter((name) => !deployed.has(name) && !ignored(name));
    assert.deepEqual(uploaded, [], "top-level entries .funcignore lets through");
    const compiled = readdirSync(join(projectRoot, "dist")).filter(
      (name) => !(PRODUCT_OUTPUT_FOLDERS as readonly string[]).includes(name) && !ignored(`dist/${name}`),
    );
    assert.deepEqual(compiled, [], "compiled non-product output .funcignore lets through");
    for (const source of ["dashboard/dashboard.ts", "dashboard/tsconfig.json"])
      assert.ok(ignored(source), `${source} is not uploaded`);
    for (const kept of [
      "host.json",
      "package.json",
      "dist",
      "dist/functions",
      "dist/dashboard",
      "node_modules",
      "dashboard/index.html",
      "dashboard/dashboard.css",
    ]) {
      assert.ok(!ignored(kept), `${kept} is uploaded`);
    }
  });
});
