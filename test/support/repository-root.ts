/** The repository root, found from a test's folder whether the test runs from source or from dist/. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export function repositoryRoot(from: string): string {
  let directory = from;
  while (!existsSync(join(directory, "package.json"))) {
    const parent = dirname(directory);
    assert.notEqual(parent, directory, `package.json not found above ${from}`);
    directory = parent;
  }
  return directory;
}
