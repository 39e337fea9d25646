/**
 * Turns zod issues into spec problems: a dotted path such as `modules[1].max_nodes` and a message a user
 * can act on. Field-specific messages are written next to the fields in `schema.ts`; this module supplies
 * the generic ones (missing keys, wrong types, unknown keys).
 */
import type { z } from "zod";
import { quote } from "./quote";
import type { SpecProblem } from "./types";

/** `["modules", 1, "max_nodes"]` ⇒ `modules[1].max_nodes`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : index === 0 ? String(segment) : `.${String(segment)}`,
    )
    .join("");
}

/** Joins a base path and a relative one. */
export function joinPath(base: string, relative: string): string {
  if (base === "") return relative;
  if (relative === "") return base;
  return relative.startsWith("[") ? `${base}${relative}` : `${base}.${relative}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `the ${typeof value} ${quote(value)}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping (key: value)",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

/**
 * The keys allowed where unknown ones were found, kept by the error map against the issue's own `keys`
 * array (zod hands the same array on in the final issue), so suggestions never read a message back.
 */
const allowedKeysByIssue = new WeakMap<readonly string[], readonly string[]>();

/** Edit distance between two short strings (keys), bounded work: keys are at most a few dozen characters. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The allowed key an unknown one is most likely a typo of (at most two edits away), if any. */
function closestKey(key: string, allowed: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** Per-parse error map: generic messages for the issues a field's own message does not cover. */
export const specErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, not ${describe(issue.input)}`;
    case "unrecognized_keys": {
      const def = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod
        ?.def;
      const allowed = Object.keys(def?.shape ?? {});
      allowedKeysByIssue.set(issue.keys, allowed);
      return allowed.length > 0
        ? `allowed keys here: ${allowed.join(", ")}`
        : "no other keys are allowed here";
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => String(value)).join(", ")}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}`;
    default:
      return undefined;
  }
};

function isTypeMismatchAtRoot(issues: readonly z.core.$ZodIssue[]): boolean {
  return issues.some(
    (issue) => issue.path.length === 0 && (issue.code === "invalid_type" || issue.code === "invalid_value"),
  );
}

/** Converts zod issues (paths relative to `basePath`) into problems, one per unknown key. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], basePath: string): SpecProblem[] {
  return issues.flatMap((issue): SpecProblem[] => {
    const path = joinPath(basePath, formatPath(issue.path));
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeysByIssue.get(issue.keys) ?? [];
      return issue.keys.map((key) => {
        const likely = closestKey(key, allowed);
        return {
          path: joinPath(path, key),
          message: likely ? `unknown key; did you mean ${likely}?` : `unknown key; ${issue.message}`,
        };
      });
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the problems of the alternative whose shape the input has (e.g. the mapping form of
      // kubernetes_secret), not a vague "no alternative matched".
      const matching = issue.errors.filter((branch) => !isTypeMismatchAtRoot(branch));
      if (matching.length === 1) return issuesToProblems(matching[0]!, path);
    }
    return [{ path, message: issue.message }];
  });
}
