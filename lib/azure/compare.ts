/**
 * Comparison of a resource's desired state (the plan's `desired`, in SDK model shape) with what ARM
 * returns. Only what the plan asks for is compared: live-only fields (read-only ids, provisioning
 * state, defaults Azure filled in) never count as differences.
 */

/** One property whose live value differs from the desired one. */
export interface PropertyDifference {
  /** Dot-separated path into `desired`, array elements by index, e.g. `agentPoolProfiles.0.vmSize`. */
  readonly path: string;
  readonly desired: unknown;
  readonly live: unknown;
}

/** How to compare one resource type. */
export interface CompareOptions {
  /**
   * Paths (dot-separated, `*` matching any one segment) never compared: write-only inputs such as
   * `createMode`, or values Azure changes on its own such as an autoscaled node count.
   */
  readonly ignoredPaths?: readonly string[];
}

/**
 * Lists the differences between `desired` and `live`.
 * Rules, each because ARM behaves that way: strings compare case-insensitively (ARM echoes ids, enum
 * values and locations in its own casing) except under `tags`, which are case-sensitive user data;
 * locations also ignore spaces (`West Europe` = `westeurope`); arrays match element by element in any
 * order (ARM reorders zones, address prefixes and rules); objects compare only the desired keys.
 */
export function diffDesired(
  desired: unknown,
  live: unknown,
  options: CompareOptions = {},
): PropertyDifference[] {
  const ignored = (options.ignoredPaths ?? []).map((p) => p.split("."));
  const differences: PropertyDifference[] = [];
  walk(desired, live, [], differences, ignored);
  return differences;
}

function walk(
  desired: unknown,
  live: unknown,
  path: string[],
  out: PropertyDifference[],
  ignored: readonly string[][],
): void {
  if (isIgnored(path, ignored)) return;
  if (desired === undefined) return;
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) {
      out.push({ path: path.join("."), desired, live });
      return;
    }
    for (const [key, value] of Object.entries(desired)) walk(value, live[key], [...path, key], out, ignored);
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) {
      out.push({ path: path.join("."), desired, live });
      return;
    }
    const pairs = pairRecords(desired, live);
    if (pairs) {
      // Arrays of named sub-resources (agent pools, delegations, DNS zone configs) are compared element
      // by element, so a difference names the field (`agentPoolProfiles.0.maxCount`) rather than the
      // whole array, which would make every field of every element look immutable to the caller.
      for (const [index, liveElement] of pairs.entries()) {
        walk(desired[index], liveElement, [...path, String(index)], out, ignored);
      }
      return;
    }
    if (!arraysMatch(desired, live, path, ignored)) out.push({ path: path.join("."), desired, live });
    return;
  }
  if (!scalarEquals(desired, live, path)) out.push({ path: path.join("."), desired, live });
}

/**
 * For arrays whose desired elements are all objects with a `name`, the live element of each desired one
 * (matched by name, case-insensitively, as ARM names sub-resources); undefined for other arrays, or when
 * a desired name has no live counterpart (the array as a whole then differs).
 */
function pairRecords(desired: readonly unknown[], live: readonly unknown[]): unknown[] | undefined {
  const names = desired.map((element) =>
    isPlainObject(element) && typeof element.name === "string" ? element.name.toLowerCase() : undefined,
  );
  if (names.length === 0 || names.some((name) => name === undefined)) return undefined;
  const liveByName = new Map(
    live
      .filter(isPlainObject)
      .filter((element) => typeof element.name === "string")
      .map((element) => [String(element.name).toLowerCase(), element] as const),
  );
  const pairs = names.map((name) => liveByName.get(name ?? ""));
  return pairs.every((element) => element !== undefined) ? pairs : undefined;
}

/** Every desired element matches a distinct live element (small arrays: quadratic is fine). */
function arraysMatch(
  desired: unknown[],
  live: unknown[],
  path: string[],
  ignored: readonly string[][],
): boolean {
  const used = new Set<number>();
  return desired.every((element, index) => {
    for (let candidate = 0; candidate < live.length; candidate++) {
      if (used.has(candidate)) continue;
      const inner: PropertyDifference[] = [];
      walk(element, live[candidate], [...path, String(index)], inner, ignored);
      if (inner.length === 0) {
        used.add(candidate);
        return true;
      }
    }
    return false;
  });
}

function scalarEquals(desired: unknown, live: unknown, path: readonly string[]): boolean {
  if (typeof desired === "string" && typeof live === "string") {
    if (path[0] === "tags") return desired === live;
    if (path[path.length - 1] === "location") return normalizeLocation(desired) === normalizeLocation(live);
    return desired.toLowerCase() === live.toLowerCase();
  }
  // ARM returns some numbers as strings (PostgreSQL configuration values are strings by contract).
  if (typeof desired === "number" && typeof live === "string") return String(desired) === live;
  if (desired === null) return live === null || live === undefined;
  return desired === live;
}

/** `West Europe`, `westeurope` and `WestEurope` are the same Azure region. */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

function isIgnored(path: readonly string[], ignored: readonly string[][]): boolean {
  return ignored.some(
    (pattern) =>
      pattern.length === path.length && pattern.every((part, i) => part === "*" || part === path[i]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The differences that touch an immutable property: a difference at, inside or above one of
 * `immutablePaths` (dot-separated paths into `desired`).
 */
export function immutableDifferences(
  differences: readonly PropertyDifference[],
  immutablePaths: readonly string[],
): PropertyDifference[] {
  return differences.filter((difference) =>
    immutablePaths.some(
      (path) =>
        difference.path === path ||
        difference.path.startsWith(`${path}.`) ||
        path.startsWith(`${difference.path}.`) ||
        difference.path === "",
    ),
  );
}

/** Reads a dot-separated path from an object. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split(".")) {
    if (!isPlainObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A difference Azure would refuse, with why. */
export interface BlockedDifference extends PropertyDifference {
  /** Why Azure refuses it: immutable after creation, or the conditional rule's reason. */
  readonly reason: string;
}

/** What {@link blockedDifferences} needs of a node kind. */
export interface ChangeConstraints {
  /** Paths Azure never changes after creation. */
  readonly immutable: readonly string[];
  /** Changes refused only in some circumstances (`CHANGE_RULES_BY_KIND`). */
  readonly rules?: readonly {
    readonly path: string;
    readonly rule: "growOnly" | "fixedWhileInUse";
    readonly inUseWhen?: readonly string[];
    readonly reason: string;
  }[];
}

/**
 * The differences Azure would refuse to make in place: immutable properties, a grow-only number that
 * shrinks, a property fixed while the live resource is in use. The build fails such a node rather than
 * re-create it, and the plan preview reports it `blocked`; both call this, so they cannot disagree.
 */
export function blockedDifferences(
  differences: readonly PropertyDifference[],
  constraints: ChangeConstraints,
  live: unknown,
): BlockedDifference[] {
  const blocked: BlockedDifference[] = immutableDifferences(differences, constraints.immutable).map((d) => ({
    ...d,
    reason: "cannot change after creation",
  }));
  for (const rule of constraints.rules ?? []) {
    for (const difference of differences) {
      if (difference.path !== rule.path || blocked.some((b) => b.path === difference.path)) continue;
      const refused =
        rule.rule === "growOnly"
          ? typeof difference.desired === "number" &&
            typeof difference.live === "number" &&
            difference.desired < difference.live
          : (rule.inUseWhen ?? []).some((path) => {
              const value = readPath(live, path);
              return Array.isArray(value) && value.length > 0;
            });
      if (refused) blocked.push({ ...difference, reason: rule.reason });
    }
  }
  return blocked;
}
