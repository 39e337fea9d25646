/** The repository root and its files, for the deployment tests (which read the template as text). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The folder holding package.json above this file, whether the tests run from source or from dist/. */
export function repositoryRoot(): string {
  let directory = __dirname;
  while (!existsSync(join(directory, "package.json"))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error("package.json not found above the test");
    directory = parent;
  }
  return directory;
}

/** A repository file's text (`path` relative to the root, with forward slashes). */
export function readRepositoryFile(path: string): string {
  return readFileSync(join(repositoryRoot(), ...path.split("/")), "utf8");
}
