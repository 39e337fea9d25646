/**
 * Opta files as they are, converted into one spec of this service: an Opta environment file for Azure
 * plus the service files (`opta.yaml`) that declared its databases and caches. Pure (text in, spec or
 * problems out), so `envctl import-opta` and `POST /api/environments/import-opta` convert the same way.
 *
 * What Opta spread over several files comes together here:
 * - the environment file's `base` and `k8s-cluster` are carried as they are (Opta's own names for the
 *   network are read by the spec itself, see `opta-keys.ts`);
 * - each service file's `postgres` and `redis` modules become modules of the environment. Opta put the
 *   outputs a `k8s-service` `links` to into the Kubernetes namespace named after the service (the file's
 *   `name`), under the keys `<module>_<fact>` or the link's renames; the converted module's
 *   `kubernetes_secret` puts them in that namespace under the same keys, whatever the module is called
 *   here (a name two files share is prefixed with the service's name);
 * - values Azure no longer offers are replaced (`replacements.ts`), Opta's variables (`{vars.x}`,
 *   `{env}`, `{layer_name}`) are filled in, and everything that is not carried over (application
 *   deployments, add-ons, keys this service has no setting for) is a warning.
 *
 * The result is validated with `validateSpec`, twice: the assembled document (so every problem is found
 * and reported at the Opta file and path it came from) and the spec as written out (so what is written
 * is valid as it is).
 */
import { stringify } from "yaml";
import { overlaps, parseCidr } from "./cidr";
import { BASE_DEFAULTS, CLUSTER_DEFAULTS } from "./defaults";
import { classifyModuleType, OPTA_AZURE_TYPE_NAMES } from "./module-types";
import { OPTA_KEY_ALIASES } from "./opta-keys";
import { parseSpecText } from "./parse";
import { quote } from "./quote";
import {
  kubernetesVersionReplacement,
  postgresVersionReplacement,
  singleServerSkuReplacement,
} from "./replacements";
import { MODULE_SCHEMAS, type ModuleType } from "./schema";
import { OPTA_SECRET_FACTS, optaSecretKey } from "./secret-keys";
import type { EnvironmentSpec, ModuleSpec, SpecProblem } from "./types";
import { validateSpec } from "./validate";

/** One Opta file: a label naming it in problems (a path, or `services[0]`) and its text. */
export interface OptaFile {
  readonly label: string;
  readonly text: string;
}

/** An Opta environment file and the service files whose databases and caches belong to it. */
export interface OptaImportRequest {
  readonly environment: OptaFile;
  readonly services: readonly OptaFile[];
}

/** The converted spec (as a document and as YAML with the warnings as a header), or every problem. */
export type OptaImport =
  | {
      readonly ok: true;
      readonly spec: Record<string, unknown>;
      readonly specYaml: string;
      readonly warnings: readonly SpecProblem[];
    }
  | {
      readonly ok: false;
      readonly problems: readonly SpecProblem[];
      readonly warnings: readonly SpecProblem[];
    };

/** Most service files one conversion takes: an environment's services, with room to spare. */
export const MAX_OPTA_SERVICE_FILES = 20;

/** Module types that belong in the environment file (Opta's `environment_module: true`). */
const ENVIRONMENT_TYPES: readonly string[] = ["base", "k8s-cluster"];
/** Module types carried from service files. */
type DataType = "postgres" | "redis";
/** Keys whose numbers Opta also took as strings (`max_nodes: "6"`). */
const NUMERIC_KEYS: ReadonlySet<string> = new Set([
  "min_nodes",
  "max_nodes",
  "node_disk_size",
  "storage_gb",
  "backup_retention_days",
  "capacity",
]);
/** A Kubernetes namespace: what a service's `name` must be to hold its Secrets. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `api.yaml:modules[1].links[0]`: a path inside one of the files (just the label for the whole file). */
function where(label: string, path = ""): string {
  return path === "" ? label : `${label}:${path}`;
}

/** Where a module of the assembled spec came from, to report its problems at the Opta file's path. */
interface Origin {
  readonly label: string;
  readonly path: string;
}

/** A data module of a service file, before its name and placement are decided. */
interface DataModuleDraft {
  readonly service: string;
  readonly label: string;
  readonly path: string;
  readonly type: DataType;
  /** The module's name in Opta: its `name`, or its type without hyphens (Opta's default). */
  readonly optaName: string;
  readonly values: Mapping;
  /** Fact ⇒ Kubernetes key, for each module a `k8s-service` links to (Opta's names and renames). */
  keys?: Record<string, string>;
}

/** Converts Opta files into one spec of this service. */
export function importOpta(request: OptaImportRequest): OptaImport {
  const problems: SpecProblem[] = [];
  const warnings: SpecProblem[] = [];
  const { environment, services } = request;

  const labels = [environment.label, ...services.map((service) => service.label)];
  const repeated = labels.find((label, index) => labels.indexOf(label) !== index);
  if (repeated !== undefined) {
    return refused([{ path: repeated, message: "is given twice; give each Opta file once" }]);
  }
  if (services.length > MAX_OPTA_SERVICE_FILES) {
    return refused([
      {
        path: "",
        message: `${services.length} service files were given; at most ${MAX_OPTA_SERVICE_FILES} are converted at once`,
      },
    ]);
  }

  const envDocument = readFile(environment, problems);
  const serviceDocuments = services.map((service) => ({
    file: service,
    document: readFile(service, problems),
  }));
  if (!envDocument) return refused(problems);

  const assembled = convertEnvironment(environment.label, envDocument, problems, warnings);
  const drafts: DataModuleDraft[] = [];
  for (const { file, document } of serviceDocuments) {
    if (!document) continue;
    const environmentRef = { name: assembled.name, label: environment.label };
    drafts.push(...convertService(file.label, document, environmentRef, problems, warnings));
  }
  const hasCluster = assembled.modules.some((module) => module.values.type === "k8s-cluster");
  const dataModules = nameDataModules(assembled.modules, drafts, warnings).map((draft) =>
    placeDataModule(draft, hasCluster, warnings),
  );
  const modules = [...assembled.modules, ...dataModules];
  // Without a usable environment file there is no spec to check; otherwise validation runs even when
  // conversion found problems, so every problem is reported at once, except those in a module or file
  // conversion already refused (they would only repeat its problem in other words).
  if (problems.some((problem) => inFile(problem.path, environment.label))) return refused(problems, warnings);

  const document: Mapping = { ...assembled.envelope, modules: modules.map((module) => module.values) };
  const origins = modules.map((module) => module.origin);
  const mapped = (list: readonly SpecProblem[]) =>
    list.map((problem) => ({
      path: originPath(problem.path, environment.label, origins),
      message: problem.message,
    }));

  const validation = validateSpec(document);
  warnings.push(...mapped(validation.warnings));
  const found = validation.ok
    ? []
    : mapped(validation.problems).filter((problem) => !alreadyRefused(problem.path));
  if (problems.length > 0 || !validation.ok) return refused([...problems, ...found], warnings);

  const spec = writtenOut(document, validation.spec);
  const written = validateSpec(spec);
  if (!written.ok) {
    // The rewrite only puts resolved values under this spec's own names; failing here is a bug.
    throw new Error(`the converted spec does not validate: ${JSON.stringify(written.problems)}`);
  }
  const ordered = inFileOrder(warnings, labels);
  return { ok: true, spec, specYaml: specYaml(spec, labels, ordered), warnings: ordered };

  /**
   * Whether `path` is in a module conversion refused, or in a file with a problem outside its modules
   * (a service's `name` is every one of its Secrets' namespace).
   */
  function alreadyRefused(path: string): boolean {
    return problems.some((problem) => {
      const module = /^(.*?:modules\[\d+\])/.exec(problem.path)?.[1];
      if (module) return path === module || path.startsWith(`${module}.`);
      const file = labels.find((label) => inFile(problem.path, label));
      return file !== undefined && inFile(path, file);
    });
  }

  function refused(list: readonly SpecProblem[], alsoWarnings: readonly SpecProblem[] = []): OptaImport {
    return { ok: false, problems: inFileOrder(list, labels), warnings: inFileOrder(alsoWarnings, labels) };
  }
}

/** Parses one file with the spec parser's limits (size, aliases, nesting); a mapping or nothing. */
function readFile(file: OptaFile, problems: SpecProblem[]): Mapping | undefined {
  const parsed = parseSpecText(file.text);
  if (!parsed.ok) {
    problems.push(
      ...parsed.problems.map((problem) => ({
        path: where(file.label, problem.path),
        message: problem.message.replace(/^the spec\b/, "the file"),
      })),
    );
    return undefined;
  }
  if (!isMapping(parsed.value)) {
    problems.push({ path: file.label, message: "must be a mapping, as Opta's files are (name, modules, …)" });
    return undefined;
  }
  return parsed.value;
}

/** A module of the assembled document and where it came from. */
interface AssembledModule {
  readonly values: Mapping;
  readonly origin: Origin;
}

/** The environment file: the envelope (name, org_name, providers) and its built modules. */
function convertEnvironment(
  label: string,
  document: Mapping,
  problems: SpecProblem[],
  warnings: SpecProblem[],
): { envelope: Mapping; name: string; modules: AssembledModule[] } {
  const envelope: Mapping = {};
  for (const [key, value] of Object.entries(document)) {
    if (key === "name" || key === "org_name") envelope[key] = value;
    else if (key === "providers") envelope.providers = azureProvider(label, value, problems, warnings);
    else if (key !== "modules") warnings.push(notCarried(label, key, "this service has no such setting"));
  }
  if (!("providers" in document)) {
    problems.push({
      path: where(label, "providers"),
      message: "is required: an Opta environment for Azure names providers.azurerm",
    });
  }
  const name = typeof document.name === "string" ? document.name : "";
  const modules: AssembledModule[] = [];
  const listed = document.modules;
  if (!Array.isArray(listed)) {
    problems.push({ path: where(label, "modules"), message: "must be a list of Opta modules" });
    return { envelope, name, modules };
  }
  listed.forEach((raw: unknown, index) => {
    const path = `modules[${index}]`;
    const module = optaModule(label, path, raw, problems);
    if (!module) return;
    if (module.type === "k8s-service") {
      warnings.push(
        skipped(label, path, module, "Opta's deployment of an application, which belongs in a service file"),
      );
      return;
    }
    const verdict = classifyModuleType(module.type);
    if (verdict.kind === "ignored") {
      warnings.push(skipped(label, path, module, "an Opta add-on this service does not build"));
      return;
    }
    if (verdict.kind === "refused") {
      problems.push({ path: where(label, `${path}.type`), message: verdict.message });
      return;
    }
    // An environment file is its own layer: `{env}` and `{layer_name}` are its name.
    const variables = { env: name, layer_name: name };
    const values = carriedValues(label, path, verdict.type, module.raw, variables, problems, warnings);
    modules.push({ values, origin: { label, path } });
  });
  moveServiceRangeOutOfVnet(label, modules, warnings);
  return { envelope, name, modules };
}

/**
 * Opta's AKS took its service range from inside its VNet (`10.0.128.0/20` in `10.0.0.0/16`); with Azure
 * CNI overlay the range must lie outside the VNet, so a service range written inside it (and its DNS
 * address) is dropped for the defaults, with a warning. Anything else about the range is left to
 * validation.
 */
function moveServiceRangeOutOfVnet(
  label: string,
  modules: readonly AssembledModule[],
  warnings: SpecProblem[],
): void {
  const base = modules.find((module) => module.values.type === "base")?.values;
  const cluster = modules.find((module) => module.values.type === "k8s-cluster");
  const vnetText = base?.private_ipv4_cidr_block ?? base?.vnet_cidr ?? BASE_DEFAULTS.vnet_cidr;
  const serviceText = cluster?.values.service_cidr;
  if (!cluster || typeof vnetText !== "string" || typeof serviceText !== "string") return;
  const vnet = parseCidr(vnetText);
  const service = parseCidr(serviceText);
  if (!vnet.ok || !service.ok || !overlaps(vnet.block, service.block)) return;
  const dropped = ["service_cidr", ...("dns_service_ip" in cluster.values ? ["dns_service_ip"] : [])];
  for (const key of dropped) delete cluster.values[key];
  warnings.push({
    path: where(label, `${cluster.origin.path}.service_cidr`),
    message: `${serviceText} lies inside the VNet (${vnetText}), as Opta's AKS had it; with Azure CNI overlay the service range must be outside it, so the converted spec leaves out ${dropped.join(" and ")} and uses the defaults (${CLUSTER_DEFAULTS.service_cidr}, ${CLUSTER_DEFAULTS.dns_service_ip})`,
  });
}

/** `providers` with its `azurerm` block; other providers are Opta's for other clouds and not carried. */
function azureProvider(
  label: string,
  value: unknown,
  problems: SpecProblem[],
  warnings: SpecProblem[],
): unknown {
  if (!isMapping(value) || !isMapping(value.azurerm)) {
    problems.push({
      path: where(label, "providers"),
      message:
        "must name providers.azurerm (location, tenant_id, subscription_id): import-opta converts Opta's Azure environments",
    });
    return value;
  }
  for (const key of Object.keys(value)) {
    if (key !== "azurerm")
      warnings.push(notCarried(label, `providers.${key}`, "this service builds on Azure only"));
  }
  return { azurerm: value.azurerm };
}

/** An Opta module: its raw mapping and its type in this service's words (`azure-postgres` ⇒ `postgres`). */
interface OptaModule {
  readonly raw: Mapping;
  readonly type: string;
  /** The type as the file wrote it. */
  readonly optaType: string;
}

function optaModule(
  label: string,
  path: string,
  raw: unknown,
  problems: SpecProblem[],
): OptaModule | undefined {
  if (!isMapping(raw)) {
    problems.push({
      path: where(label, path),
      message: "must be a mapping with a type, as Opta's modules are",
    });
    return undefined;
  }
  if (typeof raw.type !== "string") {
    problems.push({
      path: where(label, `${path}.type`),
      message: "is required: every Opta module has a type",
    });
    return undefined;
  }
  return { raw, type: OPTA_AZURE_TYPE_NAMES[raw.type] ?? raw.type, optaType: raw.type };
}

/** A module that is not converted, with the keys that go with it. */
function skipped(label: string, path: string, module: OptaModule, what: string): SpecProblem {
  const keys = Object.keys(module.raw).filter((key) => key !== "type" && key !== "name");
  return {
    path: where(label, `${path}.type`),
    message: `${quote(module.optaType)} is ${what}; it is skipped${keys.length > 0 ? `, and with it ${keys.join(", ")}` : ""}`,
  };
}

function notCarried(label: string, path: string, why: string): SpecProblem {
  return { path: where(label, path), message: `not carried over: ${why}` };
}

/**
 * The keys of a module this service knows, with Opta's values made this service's: variables filled in,
 * numbers written as strings read as numbers, retired values replaced. Other keys are warnings.
 */
function carriedValues(
  label: string,
  path: string,
  type: ModuleType,
  raw: Mapping,
  variables: Readonly<Record<string, string>>,
  problems: SpecProblem[],
  warnings: SpecProblem[],
): Mapping {
  const known = new Set([
    ...Object.keys(MODULE_SCHEMAS[type].shape),
    ...Object.keys(OPTA_KEY_ALIASES[type] ?? {}),
  ]);
  const values: Mapping = { type };
  for (const [key, written] of Object.entries(raw)) {
    if (key === "type") continue;
    const at = `${path}.${key}`;
    if (!known.has(key)) {
      warnings.push(notCarried(label, at, `${type} has no such setting here`));
      continue;
    }
    const value = fillVariables(label, at, written, variables, problems);
    values[key] =
      NUMERIC_KEYS.has(key) && typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  }
  replaceRetired(label, path, values, warnings);
  return values;
}

/**
 * Opta's templates in a value: `{vars.x}` and `{variables.x}` (the service file's `environments`
 * entry), `{env}` and `{parent_name}` (the environment's name), `{layer_name}` (the file's `name`).
 * Others (`{parent.x}`, `{state_storage}`) name Terraform state that does not exist here: problems.
 */
function fillVariables(
  label: string,
  path: string,
  value: unknown,
  variables: Readonly<Record<string, string>>,
  problems: SpecProblem[],
): unknown {
  if (typeof value !== "string" || !value.includes("{")) return value;
  return value.replace(
    /\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z0-9_-]+))?\}/g,
    (whole: string, head: string, field: string | undefined) => {
      const isVariable = head === "vars" || head === "variables";
      const key = isVariable
        ? field === undefined
          ? undefined
          : `vars.${field}`
        : field === undefined
          ? head
          : undefined;
      const known = key === undefined ? undefined : variables[key];
      if (known !== undefined) return known;
      problems.push({
        path: where(label, path),
        message: `${quote(whole)} cannot be filled in: ${isVariable ? "the environment's entry of environments has no such variable" : "it names Opta state this service does not have"}`,
      });
      return whole;
    },
  );
}

/** Values Azure no longer offers, replaced by what this service uses (`replacements.ts`), with a warning. */
function replaceRetired(label: string, path: string, values: Mapping, warnings: SpecProblem[]): void {
  const replace = (key: string, by: string, message: string) => {
    warnings.push({ path: where(label, `${path}.${key}`), message: `${quote(values[key])} ${message}` });
    values[key] = by;
  };
  const version = values.kubernetes_version;
  if (values.type === "k8s-cluster" && typeof version === "string") {
    const by = kubernetesVersionReplacement(version);
    if (by)
      replace(
        "kubernetes_version",
        by,
        `is outside AKS's support window; the converted spec uses ${by}, a current minor`,
      );
  }
  const engine =
    typeof values.engine_version === "number" ? String(values.engine_version) : values.engine_version;
  if (values.type === "postgres" && typeof engine === "string") {
    const by = postgresVersionReplacement(engine);
    if (by)
      replace(
        "engine_version",
        by,
        `is not offered for new flexible servers; the converted spec uses ${by}, the current major`,
      );
  }
  const sku = values.sku_name;
  if (values.type === "postgres" && typeof sku === "string") {
    const by = singleServerSkuReplacement(sku);
    if (by) {
      replace(
        "sku_name",
        by.sku,
        `is a Single Server SKU (${by.was}), and Single Server is retired; the converted spec uses ${by.sku}, the nearest flexible server SKU (${by.tier}, ${by.vCores} vCore${by.vCores === 1 ? "" : "s"})`,
      );
    }
  }
}

/**
 * The variables of the environment's entry in a service file's `environments` (`variables`, then `vars`,
 * as Opta merged them), as `vars.<name>`, beside `env`, `parent_name` and `layer_name`. Opta chose the
 * entry with `--env` and loaded the file at its `path`: here it is the only entry, or the one whose path
 * ends in the environment file's name, or the one named like the environment.
 */
function serviceVariables(
  label: string,
  document: Mapping,
  service: string,
  environment: { readonly name: string; readonly label: string },
  warnings: SpecProblem[],
): Record<string, string> {
  const base: Record<string, string> = {
    env: environment.name,
    parent_name: environment.name,
    layer_name: service,
  };
  const entries = Array.isArray(document.environments) ? document.environments.filter(isMapping) : [];
  if (entries.length === 0) return base;
  const fileName = (path: unknown) => (typeof path === "string" ? path.split(/[/\\]/).at(-1) : undefined);
  const entry =
    entries.length === 1
      ? entries[0]
      : (entries.find((candidate) => fileName(candidate.path) === fileName(environment.label)) ??
        entries.find((candidate) => candidate.name === environment.name));
  if (!entry) {
    warnings.push({
      path: where(label, "environments"),
      message: `none of its ${entries.length} entries is recognisably ${quote(environment.label)}; their variables are not used`,
    });
    return base;
  }
  const variables = {
    ...(isMapping(entry.variables) ? entry.variables : {}),
    ...(isMapping(entry.vars) ? entry.vars : {}),
  };
  return {
    ...base,
    ...Object.fromEntries(
      Object.entries(variables)
        .filter(([, value]) => ["string", "number", "boolean"].includes(typeof value))
        .map(([name, value]) => [`vars.${name}`, String(value)]),
    ),
  };
}

/** One service file: its data modules, with the keys its `k8s-service` links give them. */
function convertService(
  label: string,
  document: Mapping,
  environment: { readonly name: string; readonly label: string },
  problems: SpecProblem[],
  warnings: SpecProblem[],
): DataModuleDraft[] {
  const service = document.name;
  if (typeof service !== "string") {
    problems.push({
      path: where(label, "name"),
      message: "is required: Opta names a service's Kubernetes namespace after it",
    });
    return [];
  }
  if (!NAMESPACE.test(service)) {
    problems.push({
      path: where(label, "name"),
      message: `${quote(service)} names the Kubernetes namespace of the service's Secrets, as in Opta; it must be a namespace (1–63 lower-case letters, digits and hyphens)`,
    });
  }
  for (const key of Object.keys(document)) {
    if (!["name", "modules", "environments"].includes(key)) {
      warnings.push(notCarried(label, key, "the environment file's settings apply"));
    }
  }
  const variables = serviceVariables(label, document, service, environment, warnings);
  const listed = Array.isArray(document.modules) ? document.modules : [];
  if (!Array.isArray(document.modules)) {
    problems.push({ path: where(label, "modules"), message: "must be a list of Opta modules" });
  }

  const drafts: DataModuleDraft[] = [];
  const services: { path: string; module: OptaModule }[] = [];
  listed.forEach((raw: unknown, index) => {
    const path = `modules[${index}]`;
    const module = optaModule(label, path, raw, problems);
    if (!module) return;
    if (module.type === "postgres" || module.type === "redis") {
      const name = module.raw.name ?? module.optaType.replace(/-/g, "");
      if (typeof name !== "string") {
        problems.push({ path: where(label, `${path}.name`), message: "must be a string" });
        return;
      }
      const { name: _name, ...rest } = module.raw;
      const values = carriedValues(label, path, module.type, rest, variables, problems, warnings);
      drafts.push({ service, label, path, type: module.type, optaName: name, values });
    } else if (module.type === "k8s-service") {
      services.push({ path, module });
    } else if (ENVIRONMENT_TYPES.includes(module.type)) {
      problems.push({
        path: where(label, `${path}.type`),
        message: `${quote(module.optaType)} is an environment module; it belongs in the environment file`,
      });
    } else {
      const verdict = classifyModuleType(module.type);
      if (verdict.kind === "refused")
        problems.push({ path: where(label, `${path}.type`), message: verdict.message });
      else warnings.push(skipped(label, path, module, "an Opta add-on this service does not build"));
    }
  });
  for (const { path, module } of services)
    linkModules(label, service, path, module, drafts, problems, warnings);
  return drafts;
}

/**
 * A `k8s-service`'s `links`: each names a data module of the same file, as a string (`db`) or a mapping
 * whose list may end with renames (`{db: [{db_user: DB_USER, …}]}`), as Opta read them. The keys go to
 * the linked module; the deployment itself is not built here.
 */
function linkModules(
  label: string,
  namespace: string,
  path: string,
  module: OptaModule,
  drafts: DataModuleDraft[],
  problems: SpecProblem[],
  warnings: SpecProblem[],
): void {
  const links = module.raw.links ?? [];
  const linked: string[] = [];
  if (!Array.isArray(links)) {
    problems.push({
      path: where(label, `${path}.links`),
      message: "must be a list of module names or { module: [renames] }",
    });
  } else {
    links.forEach((link: unknown, index) => {
      const at = `${path}.links[${index}]`;
      const parsed = parseLink(link);
      if (!parsed) {
        problems.push({
          path: where(label, at),
          message: "must be a module name, or { module: [renames] } with one module",
        });
        return;
      }
      const target = drafts.find((draft) => draft.optaName === parsed.target);
      if (!target) {
        problems.push({
          path: where(label, at),
          message: `links ${quote(parsed.target)}, which is not a postgres or redis module of this file`,
        });
        return;
      }
      const keys = linkKeys(label, at, target, parsed.permissions, problems, warnings);
      if (target.keys && JSON.stringify(target.keys) !== JSON.stringify(keys)) {
        problems.push({
          path: where(label, at),
          message: `${quote(parsed.target)} is linked twice with different key names; one Secret holds one set of keys`,
        });
        return;
      }
      target.keys = keys;
      linked.push(parsed.target);
    });
  }
  const keys = Object.keys(module.raw).filter((key) => !["type", "name", "links"].includes(key));
  warnings.push({
    path: where(label, `${path}.type`),
    message: `${quote(module.optaType)} is Opta's deployment of the application, which this service does not build${keys.length > 0 ? `; not carried over: ${keys.join(", ")}` : ""}${linked.length > 0 ? `; its links put the keys of ${linked.join(", ")} into Kubernetes Secrets in namespace ${namespace}` : ""}`,
  });
}

function parseLink(link: unknown): { target: string; permissions: readonly unknown[] } | undefined {
  if (typeof link === "string") return { target: link, permissions: [] };
  if (!isMapping(link)) return undefined;
  const entries = Object.entries(link);
  if (entries.length !== 1) return undefined;
  const [target, permissions] = entries[0]!;
  if (permissions === null || permissions === undefined) return { target, permissions: [] };
  return Array.isArray(permissions) ? { target, permissions } : undefined;
}

/** The keys a link gives its target: `<module>_<fact>`, or the renames of its list's last mapping. */
function linkKeys(
  label: string,
  at: string,
  target: DataModuleDraft,
  permissions: readonly unknown[],
  problems: SpecProblem[],
  warnings: SpecProblem[],
): Record<string, string> {
  const facts: readonly string[] = OPTA_SECRET_FACTS[target.type];
  const last = permissions.at(-1);
  const renames = isMapping(last) ? last : {};
  const others = isMapping(last) ? permissions.slice(0, -1) : permissions;
  if (others.length > 0) {
    warnings.push(
      notCarried(
        label,
        at,
        `link permissions (${others.map((other) => quote(other)).join(", ")}) have no meaning for ${target.type} here`,
      ),
    );
  }
  for (const [fact, key] of Object.entries(renames)) {
    if (!facts.includes(fact)) {
      problems.push({
        path: where(label, `${at}.${target.optaName}.${fact}`),
        message: `${target.type} has no output ${quote(fact)} to rename; its outputs are ${facts.join(", ")}`,
      });
    } else if (typeof key !== "string") {
      problems.push({
        path: where(label, `${at}.${target.optaName}.${fact}`),
        message: "must be the new key's name (a string)",
      });
    }
  }
  return Object.fromEntries(
    facts.map((fact) => {
      const renamed = renames[fact];
      return [fact, typeof renamed === "string" ? renamed : optaSecretKey(target.optaName, fact)];
    }),
  );
}

/**
 * Names the data modules here: Opta's name in lower case, or `<service>-<name>` when another module of
 * the environment or another service file has that name too (each service file was its own namespace of
 * module names in Opta; here they share one environment).
 */
function nameDataModules(
  environmentModules: readonly AssembledModule[],
  drafts: readonly DataModuleDraft[],
  warnings: SpecProblem[],
): (DataModuleDraft & { readonly name: string })[] {
  const environmentNames = environmentModules.map((module) =>
    typeof module.values.name === "string" ? module.values.name : String(module.values.type),
  );
  // Where each name is used: the environment file for its modules, each service file for its own.
  const usedIn = new Map<string, string[]>();
  const use = (name: string, label: string) => usedIn.set(name, [...(usedIn.get(name) ?? []), label]);
  environmentModules.forEach((module, index) => use(environmentNames[index]!, module.origin.label));
  drafts.forEach((draft) => use(draft.optaName.toLowerCase(), draft.label));
  return drafts.map((draft) => {
    const lower = draft.optaName.toLowerCase();
    const users = usedIn.get(lower) ?? [];
    const name = users.length > 1 ? `${draft.service}-${lower}` : lower;
    if (name !== draft.optaName) {
      const why =
        name === lower
          ? "module names are lower-case"
          : `${lower} is the name of a module in ${[...new Set(users)].join(" and ")}, and one environment needs unique names`;
      warnings.push({
        path: where(draft.label, `${draft.path}.name`),
        message: `${quote(draft.optaName)} is named ${name} here (${why}); Azure resource names follow it, its Kubernetes keys keep Opta's names`,
      });
    }
    return { ...draft, name };
  });
}

/**
 * The data module as a module of the spec: its values, its name, and its Kubernetes Secret in the
 * service's namespace under Opta's keys (only keys that differ from this spec's defaults are written).
 */
function placeDataModule(
  draft: DataModuleDraft & { readonly name: string },
  hasCluster: boolean,
  warnings: SpecProblem[],
): AssembledModule {
  const { type, ...rest } = draft.values;
  const values: Mapping = { type, name: draft.name, ...rest };
  const origin = { label: draft.label, path: draft.path };
  if ("kubernetes_secret" in rest) return { values, origin };
  if (!hasCluster) {
    warnings.push({
      path: where(draft.label, draft.path),
      message: "the environment has no k8s-cluster, so its connection facts go to Key Vault only",
    });
    return { values, origin };
  }
  if (!draft.keys) {
    warnings.push({
      path: where(draft.label, draft.path),
      message:
        "no k8s-service links it, so, as in Opta, no Kubernetes Secret holds its facts; they go to Key Vault only",
    });
    return { values: { ...values, kubernetes_secret: false }, origin };
  }
  const renamed = Object.fromEntries(
    Object.entries(draft.keys).filter(([fact, key]) => key !== optaSecretKey(draft.name, fact)),
  );
  values.kubernetes_secret = {
    namespace: draft.service,
    ...(Object.keys(renamed).length > 0 ? { keys: renamed } : {}),
  };
  return { values, origin };
}

/** Whether `path` is (in) the file labelled `label`. */
function inFile(path: string, label: string): boolean {
  return path === label || path.startsWith(`${label}:`);
}

/** Orders problems or warnings as the files read: file by file as given, then module by module. */
function inFileOrder(list: readonly SpecProblem[], labels: readonly string[]): SpecProblem[] {
  const rank = (path: string): [number, number] => {
    const file = labels.findIndex((label) => inFile(path, label));
    const rest = file < 0 ? path : path.slice(labels[file]!.length + 1);
    const module = /^modules\[(\d+)\]/.exec(rest);
    return [file, module ? Number(module[1]) : -1];
  };
  return list
    .map((problem, index) => ({ problem, index, rank: rank(problem.path) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.index - b.index)
    .map(({ problem }) => problem);
}

/** A path of the assembled spec as a path in the Opta file it came from. */
function originPath(path: string, environmentLabel: string, origins: readonly Origin[]): string {
  const match = /^modules\[(\d+)\](.*)$/.exec(path);
  const origin = match ? origins[Number(match[1])] : undefined;
  if (match && origin) return where(origin.label, `${origin.path}${match[2]}`);
  return where(environmentLabel, path);
}

/**
 * The spec as written out: the assembled document with Opta's ways of saying things put in this spec's
 * words, from what validation resolved: the network under its own keys (with the subnets Opta did not
 * have written out), the admin groups without Opta's `""`, Azure's spelling of case-insensitive values,
 * and a Redis size as the Azure Managed Redis SKU it is built as.
 */
function writtenOut(document: Mapping, resolved: EnvironmentSpec): Mapping {
  const modules = (document.modules as Mapping[]).map((values, index) => {
    const module: ModuleSpec = resolved.modules[index]!;
    const out: Mapping = { ...values };
    if (module.type === "base" && ("private_ipv4_cidr_block" in out || "subnet_ipv4_cidr_block" in out)) {
      const subnetFromOpta = "subnet_ipv4_cidr_block" in out;
      delete out.private_ipv4_cidr_block;
      delete out.subnet_ipv4_cidr_block;
      out.vnet_cidr = module.vnet_cidr;
      out.nodes_subnet_cidr = module.nodes_subnet_cidr;
      if (subnetFromOpta) {
        out.private_endpoints_subnet_cidr = module.private_endpoints_subnet_cidr;
        out.postgres_subnet_cidr = module.postgres_subnet_cidr;
      }
    }
    if (module.type === "k8s-cluster" && "admin_group_object_ids" in out) {
      if (module.admin_group_object_ids.length > 0)
        out.admin_group_object_ids = [...module.admin_group_object_ids];
      else delete out.admin_group_object_ids;
    }
    if (module.type === "redis") {
      const sized = "sku_name" in out || "family" in out || "capacity" in out;
      if (sized && module.managed_redis_sku !== undefined && module.managed_redis_sku !== module.sku_name) {
        // Opta's Azure Cache for Redis size, as the Azure Managed Redis SKU it is built as (warned).
        delete out.family;
        delete out.capacity;
        out.sku_name = module.managed_redis_sku;
        if (module.high_availability === false) out.high_availability = false;
      } else {
        if ("sku_name" in out) out.sku_name = module.sku_name;
        if ("family" in out) out.family = module.family;
      }
    }
    return out;
  });
  return { ...document, modules };
}

/** The spec as YAML, headed by where it came from and the warnings to read before applying it. */
function specYaml(spec: Mapping, labels: readonly string[], warnings: readonly SpecProblem[]): string {
  // Labels and messages repeat what the files said; a line break in them must not end the comment.
  const line = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, " ");
  const header = [
    `# Converted from Opta files by import-opta: ${line(labels.join(", "))}`,
    ...(warnings.length > 0
      ? [
          "# Review these warnings before applying it:",
          ...warnings.map(
            (warning) =>
              `#   - ${line(warning.path === "" ? warning.message : `${warning.path}: ${warning.message}`)}`,
          ),
        ]
      : []),
  ];
  return `${header.join("\n")}\n${stringify(spec, { lineWidth: 0 })}`;
}
