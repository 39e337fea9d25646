/** The packager's production closure, on small lock files: Node's resolution through nested node_modules. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deploymentManifest, productionClosure } from "../../scripts/package-app";

describe("the production closure of a lock file", () => {
  test("follows dependencies from the root, preferring the nearest nested copy, and skips dev-only ones", () => {
    const closure = productionClosure({
      packages: {
        "": { dependencies: { app: "1.0.0" }, devDependencies: { tool: "1.0.0" } } as never,
        "node_modules/app": { dependencies: { shared: "^2", leaf: "1" } },
        "node_modules/app/node_modules/shared": { version: "2.0.0", dependencies: { leaf: "1" } },
        "node_modules/shared": { version: "1.0.0" },
        "node_modules/leaf": { version: "1.0.0" },
        "node_modules/tool": { dependencies: { shared: "1" } },
      },
    });
    assert.deepEqual(closure, [
      "node_modules/app",
      "node_modules/app/node_modules/shared",
      "node_modules/leaf",
    ]);
  });

  test("takes installed optional and required peer dependencies, and tolerates missing optional ones", () => {
    const closure = productionClosure({
      packages: {
        "": { dependencies: { app: "1" } },
        "node_modules/app": {
          optionalDependencies: { native: "1", "other-platform": "1" },
          peerDependencies: { peer: "1", "maybe-peer": "1" },
          peerDependenciesMeta: { "maybe-peer": { optional: true } },
        },
        "node_modules/native": { optional: true },
        "node_modules/peer": {},
      },
    });
    assert.deepEqual(closure, ["node_modules/app", "node_modules/native", "node_modules/peer"]);
  });

  test("refuses a missing required package and a workspace link among production dependencies", () => {
    assert.throws(
      () => productionClosure({ packages: { "": { dependencies: { gone: "1" } } } }),
      /needs gone, which package-lock.json does not hold/,
    );
    assert.throws(
      () =>
        productionClosure({
          packages: {
            "": { dependencies: { "@scope/tooling": "1" } },
            "node_modules/@scope/tooling": { link: true },
          },
        }),
      /workspace link/,
    );
  });
});

test("the deployed package.json keeps what the runtime reads and the production dependencies only", () => {
  const manifest = {
    name: "app",
    version: "1.0.0",
    main: "dist/functions/index.js",
    engines: { node: ">=20" },
    dependencies: { zod: "4.0.0" },
    devDependencies: { typescript: "6.0.0" },
    scripts: { build: "tsc" },
    workspaces: ["packages/*"],
  };
  assert.deepEqual(deploymentManifest(manifest), {
    name: "app",
    version: "1.0.0",
    private: true,
    main: "dist/functions/index.js",
    engines: { node: ">=20" },
    dependencies: { zod: "4.0.0" },
  });
});
