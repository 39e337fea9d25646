/** Where a Functions app's `host.json` lives, found from its entry module as Core Tools finds it from the cwd. */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** How many folders up from the entry module to look for `host.json` before giving up. */
const MAX_ASCENT = 12;

/**
 * The nearest folder at or above `entryModulePath`'s folder holding a `host.json`; else `fallback`.
 * Compiled apps keep `host.json` at the project root, several folders above `dist/.../index.js`.
 */
export function findAppRoot(entryModulePath: string, fallback = process.cwd()): string {
  let folder = dirname(resolve(entryModulePath));
  for (let step = 0; step < MAX_ASCENT; step++) {
    if (existsSync(resolve(folder, "host.json"))) return folder;
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return fallback;
}
