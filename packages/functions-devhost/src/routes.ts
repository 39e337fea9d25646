/**
 * ASP.NET Core route templates as HTTP triggers use them (`users/{id:int}/{name?}`, `files/{*path}`):
 * parsed once at start, matched per request, with the common inline constraints checked.
 */

/** One `{…}` parameter of a route template. */
export interface RouteParameter {
  readonly name: string;
  /** `{name?}`: may be absent (only as the template's last segment). */
  readonly optional: boolean;
  /** `{*name}`: takes the rest of the path, slashes included. */
  readonly catchAll: boolean;
  /** Inline constraints as written, e.g. `["int", "min(1)"]`. */
  readonly constraints: readonly string[];
  /** `{name=value}`: the value when absent. @default - none */
  readonly defaultValue?: string;
}

/** A parsed route template. */
export interface RouteTemplate {
  readonly template: string;
  readonly parameters: readonly RouteParameter[];
  /** Orders templates as ASP.NET does: literal segments before constrained parameters before catch-alls. */
  readonly precedence: readonly number[];
  /**
   * Matches a request path (no query string, leading slash optional, trailing slash ignored).
   * @returns the decoded parameter values, or `undefined` when the path or a constraint does not match.
   */
  match(path: string): Record<string, string> | undefined;
}

/** Thrown for a template this host cannot parse; the real host refuses such functions at start too. */
export interface RouteTemplateError extends Error {
  readonly isRouteTemplateError: true;
  readonly template: string;
}

/** Whether `error` is a {@link RouteTemplateError}. */
export function isRouteTemplateError(error: unknown): error is RouteTemplateError {
  return error instanceof Error && (error as Partial<RouteTemplateError>).isRouteTemplateError === true;
}

function templateError(template: string, problem: string): RouteTemplateError {
  return Object.assign(new Error(`route "${template}": ${problem}`), {
    isRouteTemplateError: true as const,
    template,
  });
}

type Check = (value: string) => boolean;
const numberArg = (args: readonly string[], index: number) => Number(args[index]);
const isInteger = (bits: bigint) => (value: string) =>
  /^-?\d+$/.test(value) && BigInt(value) >= -(2n ** (bits - 1n)) && BigInt(value) < 2n ** (bits - 1n);
const isNumber: Check = (value) => /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value);

/** ASP.NET's inline constraints by name; each takes its parenthesised arguments and returns the check. */
const CONSTRAINTS: Readonly<
  Record<string, { readonly arity: readonly number[]; build(args: string[]): Check }>
> = {
  int: { arity: [0], build: () => isInteger(32n) },
  long: { arity: [0], build: () => isInteger(64n) },
  bool: { arity: [0], build: () => (v) => /^(true|false)$/i.test(v) },
  decimal: { arity: [0], build: () => isNumber },
  double: { arity: [0], build: () => isNumber },
  float: { arity: [0], build: () => isNumber },
  guid: {
    arity: [0],
    build: () => (v) => /^\{?[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}\}?$/i.test(v),
  },
  datetime: { arity: [0], build: () => (v) => !Number.isNaN(Date.parse(v)) },
  alpha: { arity: [0], build: () => (v) => /^[a-z]+$/i.test(v) },
  required: { arity: [0], build: () => (v) => v.length > 0 },
  minlength: { arity: [1], build: (a) => (v) => v.length >= numberArg(a, 0) },
  maxlength: { arity: [1], build: (a) => (v) => v.length <= numberArg(a, 0) },
  length: {
    arity: [1, 2],
    build: (a) =>
      a.length === 1
        ? (v) => v.length === numberArg(a, 0)
        : (v) => v.length >= numberArg(a, 0) && v.length <= numberArg(a, 1),
  },
  min: { arity: [1], build: (a) => (v) => isInteger(64n)(v) && Number(v) >= numberArg(a, 0) },
  max: { arity: [1], build: (a) => (v) => isInteger(64n)(v) && Number(v) <= numberArg(a, 0) },
  range: {
    arity: [2],
    build: (a) => (v) => isInteger(64n)(v) && Number(v) >= numberArg(a, 0) && Number(v) <= numberArg(a, 1),
  },
  regex: {
    arity: [1],
    build: (a) => {
      const pattern = new RegExp(a[0] ?? "", "i");
      return (v) => pattern.test(v);
    },
  },
};

/** Splits `text` at `separator` where it is not inside `{…}` or `(…)`. */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "{" || char === "(") depth += 1;
    if (char === "}" || char === ")") depth -= 1;
    if (char === separator && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts;
}

function parseConstraint(template: string, text: string): Check {
  const match = /^([a-z]+)(?:\((.*)\))?$/is.exec(text);
  const spec = match ? CONSTRAINTS[match[1]!.toLowerCase()] : undefined;
  if (!match || !spec) throw templateError(template, `unknown constraint "${text}"`);
  const name = match[1]!.toLowerCase();
  // regex arguments may hold commas; every other constraint's arguments are comma-separated numbers.
  const args =
    match[2] === undefined ? [] : name === "regex" ? [match[2]] : match[2].split(",").map((s) => s.trim());
  if (
    !spec.arity.includes(args.length) ||
    (name !== "regex" && args.some((arg) => Number.isNaN(Number(arg))))
  ) {
    throw templateError(template, `constraint "${text}" has invalid arguments`);
  }
  return spec.build(args);
}

function parseParameter(template: string, body: string): { parameter: RouteParameter; checks: Check[] } {
  const catchAll = body.startsWith("*");
  const [head = "", ...constraintTexts] = splitOutside(body.replace(/^\*{1,2}/, ""), ":");
  let rest = head;
  // `?` and `=default` follow the last constraint when there is one.
  let tail = constraintTexts.length > 0 ? constraintTexts[constraintTexts.length - 1]! : head;
  const defaultMatch = /=(.*)$/s.exec(tail);
  const defaultValue = defaultMatch?.[1];
  if (defaultMatch) tail = tail.slice(0, defaultMatch.index);
  const optional = tail.endsWith("?");
  if (optional) tail = tail.slice(0, -1);
  if (constraintTexts.length > 0) constraintTexts[constraintTexts.length - 1] = tail;
  else rest = tail;
  if (!/^[A-Za-z_][\w-]*$/.test(rest)) throw templateError(template, `invalid parameter name "${rest}"`);
  const checks = constraintTexts.map((text) => parseConstraint(template, text));
  const parameter: RouteParameter = {
    name: rest,
    optional,
    catchAll,
    constraints: constraintTexts,
    ...(defaultValue === undefined ? {} : { defaultValue }),
  };
  return { parameter, checks };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface ParsedSegment {
  readonly pattern: string;
  readonly parameters: { parameter: RouteParameter; checks: Check[] }[];
  readonly rank: number;
}

function parseSegment(template: string, segment: string): ParsedSegment {
  const parameters: ParsedSegment["parameters"] = [];
  let pattern = "";
  let literal = "";
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    // `{{` and `}}` are literal braces, as in ASP.NET.
    if ((char === "{" || char === "}") && segment[i + 1] === char) {
      literal += char;
      i += 1;
    } else if (char === "{") {
      let depth = 1;
      let end = i + 1;
      for (; end < segment.length && depth > 0; end++) {
        if (segment[end] === "{") depth += 1;
        if (segment[end] === "}") depth -= 1;
      }
      if (depth !== 0) throw templateError(template, `unclosed "{" in "${segment}"`);
      pattern += escapeRegExp(literal);
      literal = "";
      const parsed = parseParameter(template, segment.slice(i + 1, end - 1));
      pattern += parsed.parameter.catchAll ? "(.*)" : "([^/]+?)";
      parameters.push(parsed);
      i = end - 1;
    } else if (char === "}") {
      throw templateError(template, `unmatched "}" in "${segment}"`);
    } else literal += char;
  }
  pattern += escapeRegExp(literal);
  const whole =
    parameters.length === 1 && pattern === (parameters[0]!.parameter.catchAll ? "(.*)" : "([^/]+?)");
  return { pattern, parameters, rank: segmentRank(parameters, whole) };
}

/** ASP.NET's segment precedence: literal 1, mixed 2, constrained parameter 3, parameter 4, catch-all 5. */
function segmentRank(parameters: ParsedSegment["parameters"], wholeSegment: boolean): number {
  if (parameters.length === 0) return 1;
  if (!wholeSegment) return 2;
  if (parameters[0]!.parameter.catchAll) return 5;
  return parameters[0]!.checks.length > 0 ? 3 : 4;
}

/**
 * Parses an HTTP trigger's route template.
 * @throws RouteTemplateError for unknown constraints, bad names, unbalanced braces, or an optional or
 *   catch-all parameter that is not in the last segment.
 */
export function parseRouteTemplate(template: string): RouteTemplate {
  const segments = splitOutside(template.replace(/^\/+|\/+$/g, ""), "/").filter(
    (segment, _index, all) => segment !== "" || all.length === 1,
  );
  const parsed = segments.map((segment) => parseSegment(template, segment));
  parsed.forEach((segment, index) => {
    for (const { parameter } of segment.parameters) {
      const last = index === parsed.length - 1;
      if ((parameter.optional || parameter.catchAll) && !last) {
        throw templateError(
          template,
          `"{${parameter.name}}" may be optional or catch-all only in the last segment`,
        );
      }
      if (parameter.optional && segment.parameters.length > 1) {
        throw templateError(template, `optional "{${parameter.name}}" must be alone in its segment`);
      }
    }
  });
  const all = parsed.flatMap((segment) => segment.parameters);
  const names = all.map(({ parameter }) => parameter.name.toLowerCase());
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw templateError(template, `parameter "${duplicate}" appears twice`);

  const source = parsed
    .map((segment, index) => {
      const parameter = segment.parameters[0]?.parameter;
      const omittable =
        index > 0 &&
        parameter &&
        segment.parameters.length === 1 &&
        (parameter.optional || parameter.catchAll || parameter.defaultValue !== undefined);
      return omittable ? `(?:/${segment.pattern})?` : `${index > 0 ? "/" : ""}${segment.pattern}`;
    })
    .join("");
  const regex = new RegExp(`^${source}$`, "i");

  return {
    template,
    parameters: all.map(({ parameter }) => parameter),
    precedence: parsed.map((segment) => segment.rank),
    match(path: string) {
      const found = regex.exec(path.replace(/^\/+/, "").replace(/\/+$/, ""));
      if (!found) return undefined;
      const values: Record<string, string> = {};
      for (const [index, { parameter, checks }] of all.entries()) {
        const raw = found[index + 1];
        if (raw === undefined || raw === "") {
          if (parameter.defaultValue !== undefined) values[parameter.name] = parameter.defaultValue;
          else if (!parameter.optional && !parameter.catchAll) return undefined;
          continue;
        }
        let value: string;
        try {
          value = decodeURIComponent(raw);
        } catch {
          return undefined;
        }
        if (!checks.every((check) => check(value))) return undefined;
        values[parameter.name] = value;
      }
      return values;
    },
  };
}

/** Orders templates most specific first (ASP.NET's route precedence). */
export function compareRoutePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    // A missing segment sorts after any present one: the longer template is the more specific.
    const difference = (a.precedence[i] ?? 6) - (b.precedence[i] ?? 6);
    if (difference !== 0) return difference;
  }
  return 0;
}
