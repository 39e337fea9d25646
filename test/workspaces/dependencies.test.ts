/**
 * The dependency declarations match the code: the root's production dependencies are exactly what the
 * compiled product loads at run time, each workspace package declares everything it loads and nothing it
 * does not use, and the devhost and the app share one `@azure/functions` (the devhost's HTTP and context
 * objects must be the app's classes).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";
import { PRODUCT_OUTPUT_FOLDERS } from "../../scripts/package-app";

const projectRoot = findAppRoot(__filename);

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, suffix);
    return name.endsWith(suffix) ? [full] : [];
  });
}

/** Package names a compiled file loads (`require`, `require.resolve`, `import()`, and `from` in declarations). */
function packagesLoadedBy(files: readonly string[]): Set<string> {
  const found = new Set<string>();
  const specifier = /(?:require(?:\.resolve)?\(|import\(|from )"([^"]+)"/g;
  for (const file of files) {
    for (const match of readFileSync(file, "utf8").matchAll(specifier)) {
      const id = match[1]!;
      if (id.startsWith(".") || id.startsWith("node:") || builtinModules.includes(id)) continue;
      found.add(id.startsWith("@") ? id.split("/").slice(0, 2).join("/") : id.split("/")[0]!);
    }
  }
  return found;
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe("dependency declarations", () => {
  test("the root's production dependencies are exactly the modules the compiled product loads", () => {
    const files = PRODUCT_OUTPUT_FOLDERS.flatMap((folder) =>
      filesUnder(join(projectRoot, "dist", folder), ".js"),
    );
    assert.ok(files.length > 50, "the product is built");
    assert.deepEqual(
      sorted(packagesLoadedBy(files)),
      sorted(Object.keys(manifest(projectRoot).dependencies ?? {})),
    );
  });

  for (const name of ["azure-emulator", "functions-devhost"]) {
    test(`${name} declares every module its code loads, and loads (or types) every one it declares`, () => {
      const dir = join(projectRoot, "packages", name);
      const declared = manifest(dir);
      const runtime = packagesLoadedBy(filesUnder(join(dir, "dist", "src"), ".js"));
      const typed = packagesLoadedBy(filesUnder(join(dir, "dist", "src"), ".d.ts"));
      const provided = new Set([
        ...Object.keys(declared.dependencies ?? {}),
        ...Object.keys(declared.peerDependencies ?? {}),
      ]);
      assert.deepEqual(
        sorted([...runtime, ...typed].filter((id) => !provided.has(id))),
        [],
        "loaded but not declared",
      );
      assert.deepEqual(
        sorted([...provided].filter((id) => !runtime.has(id) && !typed.has(id))),
        [],
        "declared but unused",
      );
      assert.ok(!Object.keys(declared.dependencies ?? {}).includes("azure-env-provisioner"));
    });
  }

  test("the emulator's certificates library and the devhost's Azurite are theirs, not the product's", () => {
    const root = manifest(projectRoot);
    // @azure/storage-blob is the product's own (queued batches name a blob); the queue SDK is not.
    for (const tooling of ["node-forge", "azurite", "@azure/storage-queue"]) {
      assert.equal(root.dependencies?.[tooling], undefined, `${tooling} is not a production dependency`);
    }
    assert.ok(manifest(join(projectRoot, "packages", "azure-emulator")).dependencies?.["node-forge"]);
    assert.ok(manifest(join(projectRoot, "packages", "functions-devhost")).dependencies?.azurite);
  });

  test("the devhost and the app load one and the same @azure/functions", () => {
    const devhostEntry = require.resolve("@azure-env-provisioner/functions-devhost");
    const fromDevhost = require.resolve("@azure/functions", { paths: [dirname(devhostEntry)] });
    const fromApp = require.resolve("@azure/functions", { paths: [join(projectRoot, "dist", "functions")] });
    assert.equal(realpathSync(fromDevhost), realpathSync(fromApp));
    assert.ok(
      !existsSync(join(projectRoot, "packages", "functions-devhost", "node_modules", "@azure", "functions")),
    );
    assert.equal(
      manifest(join(projectRoot, "packages", "functions-devhost")).peerDependencies?.["@azure/functions"],
      manifest(projectRoot).dependencies?.["@azure/functions"],
    );
  });
});
