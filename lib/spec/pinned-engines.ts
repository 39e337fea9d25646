/**
 * Existing caches keep their engine. A spec that leaves a redis module's `engine` out gets the release's
 * default (Azure Managed Redis), which would replace an environment's Azure Cache for Redis with a new,
 * empty cache. So the engine an environment's record holds is pinned: a module the record knows keeps
 * its recorded engine unless the spec names another one explicitly (`engine: azure-managed-redis`), and
 * records written before engines existed are read as `azure-cache-for-redis`, the only engine then.
 * Pure; the edges call it with the record before planning (`functions/environment-service.ts`).
 */
import { NOT_PINNED } from "./validate";
import { CACHE_FOR_REDIS_ENGINE, resolveRedisModule } from "./redis-module";
import { REDIS_DEFAULTS } from "./defaults";
import type { RedisModuleInput } from "./schema";
import type { JsonValue } from "../plan/types";
import type { EnvironmentSpec, ModuleSpec, RedisEngine, RedisModule, SpecProblem } from "./types";

/** A module whose recorded engine differs from the one the spec explicitly asks for. */
export interface EngineSwitch {
  readonly module: string;
  readonly from: RedisEngine;
  readonly to: RedisEngine;
}

/** The outcome of pinning: the spec to plan, or why the spec cannot keep its recorded engines. */
export type PinnedEngines =
  | {
      readonly ok: true;
      readonly spec: EnvironmentSpec;
      /** Modules that asked explicitly for an engine other than their recorded one: replacements. */
      readonly switches: readonly EngineSwitch[];
    }
  | { readonly ok: false; readonly problems: readonly SpecProblem[] };

/**
 * A recorded spec as this release reads it: redis modules of records written before engines (and
 * `auth`) existed get `azure-cache-for-redis` and `access-key`, what they were built with.
 */
export function normalizeRecordedSpec(spec: EnvironmentSpec): EnvironmentSpec {
  let changed = false;
  const modules = spec.modules.map((module): ModuleSpec => {
    if (module.type !== "redis") return module;
    const partial = module as Partial<RedisModule> & RedisModule;
    if (partial.engine !== undefined && partial.auth !== undefined) return module;
    changed = true;
    return {
      ...module,
      engine: partial.engine ?? CACHE_FOR_REDIS_ENGINE,
      auth: partial.auth ?? REDIS_DEFAULTS.auth,
    };
  });
  return changed ? { ...spec, modules } : spec;
}

/** The engine of each redis module of a recorded spec, by module name. */
export function recordedEngines(recorded: EnvironmentSpec): ReadonlyMap<string, RedisEngine> {
  return new Map(
    normalizeRecordedSpec(recorded)
      .modules.filter((module): module is RedisModule => module.type === "redis")
      .map((module) => [module.name, module.engine]),
  );
}

/**
 * Pins the engines `recorded` (the environment's last applied spec, if any) holds into `spec`.
 * @returns `spec` with each redis module that left `engine` to the default set to its recorded engine
 *   (its appliedDefaults say so, so the new record pins it again), plus the explicit switches; or the
 *   problems of a module whose other keys do not fit its recorded engine (an Azure Managed Redis SKU
 *   on a pinned Azure Cache for Redis, say), naming the option to switch.
 */
export function pinRecordedEngines(
  given: EnvironmentSpec,
  recorded: EnvironmentSpec | undefined,
): PinnedEngines {
  // A recorded spec passed back (a destroy) reads as it was built.
  const spec = normalizeRecordedSpec(given);
  const engines = recorded ? recordedEngines(recorded) : new Map<string, RedisEngine>();
  const problems: SpecProblem[] = [];
  const switches: EngineSwitch[] = [];
  const appliedDefaults: Record<string, Readonly<Record<string, JsonValue>>> = { ...spec.appliedDefaults };
  const modules = spec.modules.map((module, position): ModuleSpec => {
    const before = engines.get(module.name);
    if (module.type !== "redis" || before === undefined || before === module.engine) return module;
    const defaulted = new Set(Object.keys(spec.appliedDefaults[module.name] ?? {}));
    if (!defaulted.has("engine")) {
      switches.push({ module: module.name, from: before, to: module.engine });
      return module;
    }
    const path = `modules[${position}]`;
    const resolution = resolveRedisModule(
      path,
      inputOf(module, defaulted, before),
      givenOf(module, defaulted),
    );
    if (resolution.problems.length > 0) {
      problems.push(
        ...resolution.problems.map((problem) => ({
          path: problem.path,
          message: `${problem.message} (the cache "${module.name}" was built with ${before}, which this environment keeps while the spec leaves engine out; write engine: ${module.engine} to replace it — its data is not migrated)`,
        })),
      );
      return module;
    }
    const pinned: RedisModule = {
      type: "redis",
      name: module.name,
      ...resolution.fields,
      kubernetes_secret: module.kubernetes_secret,
    };
    const given = givenOf(module, defaulted);
    appliedDefaults[module.name] = Object.fromEntries(
      Object.entries(pinned).filter(([key]) => !given.has(key) && !NOT_PINNED.has(key)),
    ) as Record<string, JsonValue>;
    return pinned;
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, spec: { ...spec, modules, appliedDefaults }, switches };
}

/** The keys the spec wrote: those not filled by a default (nor derived). */
function givenOf(module: RedisModule, defaulted: ReadonlySet<string>): Set<string> {
  return new Set(Object.keys(module).filter((key) => !defaulted.has(key) && !NOT_PINNED.has(key)));
}

/** The module's keys as its schema would have output them, with `engine` as recorded. */
function inputOf(module: RedisModule, defaulted: ReadonlySet<string>, engine: RedisEngine): RedisModuleInput {
  const written = <K extends "family" | "capacity" | "high_availability">(key: K) =>
    defaulted.has(key) ? undefined : module[key];
  return {
    type: "redis",
    name: module.name,
    engine,
    sku_name: module.sku_name,
    family: written("family"),
    capacity: written("capacity"),
    high_availability: written("high_availability"),
    auth: module.auth,
    kubernetes_secret: undefined,
  };
}
