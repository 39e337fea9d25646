/**
 * `labelSelector` and `fieldSelector` of list requests, with the API server's syntax: equality
 * (`a=b`, `a==b`, `a!=b`), set-based (`a in (x,y)`, `a notin (x)`), existence (`a`, `!a`), comma = AND.
 * Field selectors allow only the equality forms.
 */
import { kubernetesErrors } from "./status";

/** A parsed selector: true when a set of key/values matches. */
export type Selector = (fields: Readonly<Record<string, string | undefined>>) => boolean;

type Requirement = (fields: Readonly<Record<string, string | undefined>>) => boolean;

/** Splits on commas that are not inside a parenthesised value set. */
function splitRequirements(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of expression) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== "");
}

const SET_FORM = /^([^\s!=()]+)\s+(in|notin)\s*\(([^()]*)\)$/;
const EQUALITY_FORM = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const EXISTS_FORM = /^(!?)([^\s!=()]+)$/;

function parseRequirement(text: string, allowSetBased: boolean): Requirement {
  const equality = EQUALITY_FORM.exec(text);
  if (equality) {
    const [, key = "", operator, value = ""] = equality;
    return operator === "!=" ? (fields) => fields[key] !== value : (fields) => fields[key] === value;
  }
  if (allowSetBased) {
    const set = SET_FORM.exec(text);
    if (set) {
      const [, key = "", operator, list = ""] = set;
      const values = new Set(list.split(",").map((value) => value.trim()));
      return operator === "in"
        ? (fields) => fields[key] !== undefined && values.has(fields[key] ?? "")
        : (fields) => fields[key] === undefined || !values.has(fields[key] ?? "");
    }
    const exists = EXISTS_FORM.exec(text);
    if (exists) {
      const [, negated, key = ""] = exists;
      return negated ? (fields) => fields[key] === undefined : (fields) => fields[key] !== undefined;
    }
  }
  throw kubernetesErrors.badRequest(`unable to parse requirement: ${JSON.stringify(text)}`);
}

function parseSelector(expression: string | null, allowSetBased: boolean): Selector {
  const requirements = splitRequirements(expression ?? "").map((text) =>
    parseRequirement(text, allowSetBased),
  );
  return (fields) => requirements.every((requirement) => requirement(fields));
}

/** Parses a `labelSelector`; an absent or empty selector matches everything. */
export function parseLabelSelector(expression: string | null): Selector {
  return parseSelector(expression, true);
}

/**
 * Parses a `fieldSelector` over the fields a kind supports; other fields are refused, as the API
 * server refuses them ("field label not supported").
 */
export function parseFieldSelector(expression: string | null, supported: readonly string[]): Selector {
  const selector = parseSelector(expression, false);
  for (const part of splitRequirements(expression ?? "")) {
    const field = /^[^\s!=]+/.exec(part)?.[0] ?? "";
    if (!supported.includes(field)) throw kubernetesErrors.badRequest(`field label not supported: ${field}`);
  }
  return selector;
}
