/**
 * The one entry point of spec validation: text or an already parsed value in, every problem (or a
 * typed, defaulted spec) out. Pure; the edges (HTTP, queue, CLI) call it and never look further.
 */
import type { JsonValue } from "../plan/types";
import { issuesToProblems, specErrorMap } from "./issues";
import { classifyModuleType } from "./module-types";
import { aliasConflicts, givesKey } from "./opta-keys";
import { casingWarnings } from "./replacements";
import { parseSpecText } from "./parse";
import { resolveModules, type DeclaredModule, type ParsedModule } from "./resolve-modules";
import { MODULE_SCHEMAS, specEnvelopeSchema } from "./schema";
import type { EnvironmentSpec, ModuleSpec, SpecProblem, SpecValidation } from "./types";

/**
 * Keys a default never fills in the sense of pinning: identity, values derived from other keys, and
 * grants whose absence is not a default a release could change (no admin groups means none).
 */
export const NOT_PINNED = new Set([
  "type",
  "name",
  "sku_tier",
  "managed_redis_sku",
  "admin_group_object_ids",
]);

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates an environment spec, given as YAML/JSON text or as a parsed value (e.g. an HTTP JSON body).
 * Reports every problem at once; warnings (e.g. ignored Opta modules) accompany both outcomes.
 */
export function validateSpec(input: string | unknown): SpecValidation {
  let document: unknown = input;
  if (typeof input === "string") {
    const parsed = parseSpecText(input);
    if (!parsed.ok) return { ok: false, problems: parsed.problems, warnings: [] };
    document = parsed.value;
  }
  if (!isMapping(document)) {
    return {
      ok: false,
      problems: [
        { path: "", message: "the spec must be a mapping with name, org_name, providers and modules" },
      ],
      warnings: [],
    };
  }

  const problems: SpecProblem[] = [];
  const warnings: SpecProblem[] = [];
  const envelope = specEnvelopeSchema.safeParse(document, { error: specErrorMap });
  if (!envelope.success) problems.push(...issuesToProblems(envelope.error.issues, ""));

  const rawModules = Array.isArray(document.modules) ? document.modules : [];
  const declaredModules: DeclaredModule[] = [];
  const parsedModules: ParsedModule[] = [];
  const rawByIndex = new Map<number, Record<string, unknown>>();
  rawModules.forEach((raw: unknown, index) => {
    const path = `modules[${index}]`;
    if (!isMapping(raw)) {
      problems.push({ path, message: "must be a mapping with a type, e.g. { type: base }" });
      return;
    }
    if (typeof raw.type !== "string") {
      problems.push({
        path: `${path}.type`,
        message:
          raw.type === undefined
            ? "is required; use one of base, k8s-cluster, postgres, redis"
            : "must be a string",
      });
      return;
    }
    const verdict = classifyModuleType(raw.type);
    if (verdict.kind === "ignored") {
      warnings.push({ path: `${path}.type`, message: verdict.message });
      return;
    }
    if (verdict.kind === "refused") {
      problems.push({ path: `${path}.type`, message: verdict.message });
      return;
    }
    declaredModules.push({
      index,
      type: verdict.type,
      name: typeof raw.name === "string" ? raw.name : verdict.type,
    });
    if (raw.type !== verdict.type) {
      warnings.push({
        path: `${path}.type`,
        message: `Opta's full name for ${verdict.type}: read as ${verdict.type}`,
      });
    }
    problems.push(...aliasConflicts(verdict.type, raw, path));
    const result = MODULE_SCHEMAS[verdict.type].safeParse(
      raw.type === verdict.type ? raw : { ...raw, type: verdict.type },
      { error: specErrorMap },
    );
    if (!result.success) {
      problems.push(...issuesToProblems(result.error.issues, path));
      return;
    }
    warnings.push(...casingWarnings(verdict.type, raw, result.data, path));
    rawByIndex.set(index, raw);
    parsedModules.push({ index, given: new Set(Object.keys(raw)), input: result.data } as ParsedModule);
  });
  if (rawModules.length > 0 && parsedModules.length === 0 && problems.length === 0) {
    problems.push({
      path: "modules",
      message: "must list at least a base module (every listed module is skipped)",
    });
  }

  const environmentName = typeof document.name === "string" ? document.name : "";
  const resolved = resolveModules(environmentName, declaredModules, parsedModules);
  problems.push(...resolved.problems);
  warnings.push(...resolved.warnings);

  if (!envelope.success || problems.length > 0)
    return { ok: false, problems: inSpecOrder(problems), warnings: inSpecOrder(warnings) };
  const spec: EnvironmentSpec = {
    name: envelope.data.name,
    org_name: envelope.data.org_name,
    providers: envelope.data.providers,
    modules: resolved.modules,
    appliedDefaults: appliedDefaults(
      resolved.modules,
      parsedModules.map((module) => rawByIndex.get(module.index)!),
    ),
  };
  return { ok: true, spec, warnings: inSpecOrder(warnings) };
}

/** For each module, the keys its spec left out and the defaults that filled them. */
function appliedDefaults(
  modules: readonly ModuleSpec[],
  raws: readonly Record<string, unknown>[],
): EnvironmentSpec["appliedDefaults"] {
  const result: Record<string, Record<string, JsonValue>> = {};
  modules.forEach((module, position) => {
    const raw = raws[position]!;
    const filled = Object.entries(module).filter(
      ([key]) => !NOT_PINNED.has(key) && !givesKey(module.type, raw, key),
    );
    if (filled.length > 0) result[module.name] = Object.fromEntries(filled) as Record<string, JsonValue>;
  });
  return result;
}

/** Orders problems (or warnings) as the spec reads: the document's own keys first, then module by module. */
function inSpecOrder(problems: readonly SpecProblem[]): SpecProblem[] {
  const moduleIndex = (path: string): number => {
    const match = /^modules\[(\d+)\]/.exec(path);
    return match ? Number(match[1]) : -1;
  };
  return [...problems].sort((a, b) => moduleIndex(a.path) - moduleIndex(b.path));
}
