/**
 * `npm run package`: the deployable Functions app as one zip, holding exactly what Azure runs —
 * `host.json`, a `package.json` with the production dependencies only, the compiled product
 * (`dist/functions`, `dist/orchestrations`, `dist/activities`, `dist/lib`, `dist/dashboard`), the
 * dashboard's page and style (`dashboard/index.html`, `dashboard/dashboard.css`) and the production closure of
 * `node_modules` — and nothing of the local tooling (the emulator and devhost packages, local-stack/,
 * the CLI, tests, benchmarks, sources). Deploy it with zip deploy / run-from-package.
 *
 * The closure is computed offline from `package-lock.json` (the root's `dependencies`, then each
 * package's `dependencies`, installed `optionalDependencies` and `peerDependencies`, resolved the way
 * Node resolves them through nested `node_modules`) and copied from the installed tree: no network. The
 * lock file's own `dev` flags are not used, because npm counts workspace packages' dependencies (Azurite,
 * node-forge, …) as production ones.
 *
 * Type declarations and source maps of the installed packages are left out: Node never loads them.
 *
 * Run: `npm run package` (builds first) or `node dist/scripts/package-app.js [--out <zip>]`.
 */
import {
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
} from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { ZipFile } from "yazl";
import { DASHBOARD_FILES } from "../functions/dashboard-page";

/**
 * The compiled product folders under `dist/`: everything Azure runs of this repository's code (the
 * dashboard's being the script the dashboard page inlines).
 */
export const PRODUCT_OUTPUT_FOLDERS = [
  "functions",
  "orchestrations",
  "activities",
  "lib",
  "dashboard",
] as const;
/** Files the product reads as they are, at their place in the repository: the dashboard's page and style. */
export const PRODUCT_STATIC_FILES = [DASHBOARD_FILES.page, DASHBOARD_FILES.style].map((file) =>
  file.split(sep).join("/"),
);
/** Where `npm run package` writes the zip, relative to the project root (git-ignored). */
export const DEFAULT_ZIP_PATH = join("dist-package", "azure-env-provisioner.zip");
/**
 * Files of installed packages Node never loads: type declarations and source maps (more than half of the
 * files of the Azure SDK packages). The product's own `.js.map` files are kept, for readable stacks.
 */
const NEVER_LOADED = /\.(d\.[cm]?ts|map)$/;
/**
 * Files smaller than this are stored, not deflated: deflate saves them next to nothing (4 % of the zip
 * for 40 % of its files) and setting it up per file costs more than the rest of the packaging.
 */
const STORE_BELOW_BYTES = 1024;
/** One timestamp for every entry, so the same inputs give the same zip (zip time starts in 1980). */
const ENTRY_MTIME = new Date("2000-01-01T00:00:00Z");

/** A `packages` entry of an npm v2/v3 lock file (`""` is the root, others are install paths). */
interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly link?: boolean;
  readonly optional?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  /** Never followed: tooling. */
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly license?: string;
  readonly main: string;
  readonly engines?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** What {@link packageApp} wrote. */
export interface PackagedApp {
  readonly zipPath: string;
  /** Every entry of the zip (files only), sorted. */
  readonly entries: readonly string[];
  /** The lock-file install paths of the production closure (`node_modules/…`), sorted. */
  readonly modules: readonly string[];
  readonly bytes: number;
}

/** The install path Node would load `name` from when required by the package installed at `from`. */
function resolveInstallPath(
  packages: Readonly<Record<string, LockEntry>>,
  from: string,
  name: string,
): string | undefined {
  for (let base = from; ;) {
    const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === "") return undefined;
    const parent = base.lastIndexOf("/node_modules/");
    base = parent < 0 ? "" : base.slice(0, parent);
  }
}

/**
 * The production closure of a lock file: install paths of every package the root's `dependencies` need
 * at run time, transitively.
 * @throws when a needed package is missing from the lock file or is a workspace link
 */
export function productionClosure(lock: {
  readonly packages: Readonly<Record<string, LockEntry>>;
}): string[] {
  const packages = lock.packages;
  const root = packages[""];
  if (!root) throw new Error("package-lock.json has no root entry (lockfileVersion 2 or later is needed)");
  const found = new Set<string>();
  const visit = (from: string, names: readonly string[], required: (name: string) => boolean): void => {
    for (const name of names) {
      const path = resolveInstallPath(packages, from, name);
      if (!path) {
        if (required(name))
          throw new Error(`${from || "the root"} needs ${name}, which package-lock.json does not hold`);
        continue;
      }
      if (found.has(path)) continue;
      const entry = packages[path]!;
      if (entry.link) throw new Error(`${name} is a workspace link: tooling, not a production dependency`);
      found.add(path);
      visit(path, Object.keys(entry.dependencies ?? {}), () => true);
      // Optional dependencies exist only where they installed (platform-specific builds).
      visit(path, Object.keys(entry.optionalDependencies ?? {}), () => false);
      visit(
        path,
        Object.keys(entry.peerDependencies ?? {}),
        (peer) => !entry.peerDependenciesMeta?.[peer]?.optional,
      );
    }
  };
  visit("", Object.keys(root.dependencies ?? {}), () => true);
  return [...found].sort();
}

/** The `package.json` Azure gets: what the runtime reads, the production dependencies, no tooling. */
export function deploymentManifest(manifest: Manifest): Record<string, unknown> {
  return {
    name: manifest.name,
    version: manifest.version,
    ...(manifest.description ? { description: manifest.description } : {}),
    ...(manifest.license ? { license: manifest.license } : {}),
    private: true,
    main: manifest.main,
    ...(manifest.engines ? { engines: manifest.engines } : {}),
    dependencies: manifest.dependencies ?? {},
  };
}

/** Regular files under `dir` as paths relative to it (`/`-separated); `skip` prunes top-level names. */
function filesUnder(dir: string, skip: ReadonlySet<string> = new Set()): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const full = join(current, name);
      if (current === dir && skip.has(name)) continue;
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      // Symbolic links (`.bin` shims, workspace links) are install artefacts, not package content.
      else if (stat.isFile()) files.push(relative(dir, full).split(sep).join("/"));
    }
  };
  walk(dir);
  return files;
}

/** Options of {@link packageApp}. */
export interface PackageAppOptions {
  /** The repository root: `package.json`, `package-lock.json`, `host.json`, the built `dist/`, `node_modules/`. */
  readonly projectRoot: string;
  /** @default `<projectRoot>/dist-package/azure-env-provisioner.zip` */
  readonly zipPath?: string;
}

/**
 * Writes the deployable zip.
 * @throws when the product is not built, or the installed tree lacks a production module
 */
export async function packageApp(options: PackageAppOptions): Promise<PackagedApp> {
  const root = resolve(options.projectRoot);
  const zipPath = resolve(root, options.zipPath ?? DEFAULT_ZIP_PATH);
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const modules = productionClosure(lock);

  // Entry path in the zip -> the file it comes from (or the bytes it holds).
  const files = new Map<string, string | Buffer>();
  files.set("host.json", join(root, "host.json"));
  files.set("package.json", Buffer.from(`${JSON.stringify(deploymentManifest(manifest), null, 2)}\n`));
  for (const folder of PRODUCT_OUTPUT_FOLDERS) {
    const dir = join(root, "dist", folder);
    if (!existsSync(dir)) throw new Error(`dist/${folder} is missing: run npm run build first`);
    for (const file of filesUnder(dir)) files.set(`dist/${folder}/${file}`, join(dir, file));
  }
  for (const file of PRODUCT_STATIC_FILES) {
    const path = join(root, ...file.split("/"));
    if (!existsSync(path)) throw new Error(`${file} is missing`);
    files.set(file, path);
  }
  if (!files.has(manifest.main.replace(/^\.\//, ""))) {
    throw new Error(`package.json main (${manifest.main}) is not in the compiled product`);
  }
  for (const module of modules) {
    const dir = join(root, ...module.split("/"));
    if (!existsSync(join(dir, "package.json"))) {
      if (lock.packages[module]?.optional) continue;
      throw new Error(`${module} is in package-lock.json but not installed: run npm ci`);
    }
    // A package's own node_modules holds its nested dependencies, which the closure lists one by one.
    for (const file of filesUnder(dir, new Set(["node_modules"]))) {
      if (!NEVER_LOADED.test(file)) files.set(`${module}/${file}`, join(dir, file));
    }
  }

  const entries = [...files.keys()].sort();
  mkdirSync(dirname(zipPath), { recursive: true });
  const partial = `${zipPath}.partial`;
  const zip = new ZipFile();
  for (const entry of entries) {
    const source = files.get(entry)!;
    // Whole files as buffers: yazl then deflates them on libuv's thread pool in parallel, several times
    // faster than one read stream after another for ~10,000 mostly small files (~100 MB in all).
    const bytes = typeof source === "string" ? readFileSync(source) : source;
    const mode = typeof source === "string" ? lstatSync(source).mode : 0o100644;
    zip.addBuffer(bytes, entry, { mtime: ENTRY_MTIME, mode, compress: bytes.length >= STORE_BELOW_BYTES });
  }
  const written = new Promise<void>((resolveWritten, reject) => {
    const out = createWriteStream(partial);
    out.on("close", () => resolveWritten());
    out.on("error", reject);
    zip.outputStream.on("error", reject);
    zip.outputStream.pipe(out);
  });
  zip.end();
  await written;
  renameSync(partial, zipPath);
  return { zipPath, entries, modules, bytes: lstatSync(zipPath).size };
}

/** The command: write the zip and say what is in it. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const projectRoot = join(__dirname, "..", "..");
  const packaged = await packageApp({ projectRoot, ...(values.out ? { zipPath: values.out } : {}) });
  const topLevel = [...new Set(packaged.entries.map((entry) => entry.split("/")[0]))];
  const productFolders = [
    ...new Set(
      packaged.entries.filter((e) => e.startsWith("dist/")).map((e) => e.split("/").slice(0, 2).join("/")),
    ),
  ];
  console.log(
    [
      `Wrote ${relative(process.cwd(), packaged.zipPath)}: ${(packaged.bytes / 1024 / 1024).toFixed(1)} MiB, ${packaged.entries.length} files`,
      `  top level:  ${topLevel.join(", ")}`,
      `  product:    ${productFolders.join(", ")}`,
      `  modules:    ${packaged.modules.length} production packages in node_modules`,
      "Deploy it as a zip package (run from package), e.g.:",
      `  az functionapp deployment source config-zip -g <resource group> -n <function app> --src ${relative(process.cwd(), packaged.zipPath)}`,
    ].join("\n"),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
