/**
 * Just enough Bicep reading for the template tests, without a Bicep compiler (none runs here): comments
 * and string contents are masked so that braces, colons and keywords inside them never count; then
 * top-level statements (with their decorators), resource bodies and object-literal keys are found by
 * bracket depth.
 */

/**
 * `text` with every comment and every string's contents (interpolations included) replaced by spaces;
 * quotes and newlines stay, so indices match `text`.
 * @throws Error on an unterminated string or comment, naming the line
 */
export function maskBicep(text: string): string {
  const out = text.split("");
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== "\n") out[i] = " ";
  };
  const lineOf = (index: number) => text.slice(0, index).split("\n").length;

  /** Index just past the string opening at `start` (a `'`), its contents blanked. */
  const skipString = (start: number): number => {
    if (text.startsWith("'''", start)) {
      const end = text.indexOf("'''", start + 3);
      if (end < 0) throw new Error(`unterminated ''' string at line ${lineOf(start)}`);
      blank(start + 3, end);
      return end + 3;
    }
    let i = start + 1;
    while (i < text.length) {
      const c = text[i];
      if (c === "\\") {
        i += 2;
      } else if (c === "'") {
        blank(start + 1, i);
        return i + 1;
      } else if (c === "$" && text[i + 1] === "{") {
        i = skipInterpolation(i + 2);
      } else if (c === "\n") {
        throw new Error(`unterminated string at line ${lineOf(start)}`);
      } else {
        i += 1;
      }
    }
    throw new Error(`unterminated string at line ${lineOf(start)}`);
  };

  /** Index just past the `}` closing an interpolation whose expression starts at `start`. */
  const skipInterpolation = (start: number): number => {
    let depth = 1;
    let i = start;
    while (i < text.length) {
      const c = text[i];
      if (c === "'") {
        i = skipString(i);
        continue;
      }
      if (c === "{") depth += 1;
      if (c === "}") {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
      i += 1;
    }
    throw new Error(`unterminated interpolation at line ${lineOf(start)}`);
  };

  let i = 0;
  while (i < text.length) {
    if (text.startsWith("//", i)) {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) throw new Error(`unterminated comment at line ${lineOf(i)}`);
      blank(i, end + 2);
      i = end + 2;
    } else if (text[i] === "'") {
      i = skipString(i);
    } else {
      i += 1;
    }
  }
  return out.join("");
}

const OPEN = "([{";
const CLOSE = ")]}";

/** Index of the bracket closing the one at `open` in masked text. @throws when unbalanced */
export function matchingBracket(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (OPEN.includes(masked[i]!)) depth += 1;
    else if (CLOSE.includes(masked[i]!)) {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced bracket at index ${open}`);
}

/** A `param` declaration with the decorators written above it. */
export interface BicepParam {
  readonly name: string;
  readonly type: string;
  /** Decorator names, e.g. `description`, `allowed`, `minValue`. */
  readonly decorators: readonly string[];
  /** The text of `@description('…')`, when present and a plain string. */
  readonly description?: string;
  /** Whether the declaration has a default value (`= …`). */
  readonly hasDefault: boolean;
}

/** Top-level `param` declarations of a Bicep file, in order. */
export function bicepParams(text: string): BicepParam[] {
  const masked = maskBicep(text);
  const params: BicepParam[] = [];
  let pending: { name: string; start: number; end: number }[] = [];
  let i = 0;
  let depth = 0;
  let lineStart = true;
  while (i < masked.length) {
    const c = masked[i]!;
    if (c === "\n") {
      lineStart = true;
      i += 1;
      continue;
    }
    if (lineStart && depth === 0 && c !== " " && c !== "\t" && c !== "\r") {
      lineStart = false;
      if (c === "@") {
        // `@name(…)`, possibly over several lines (`@allowed([ … ])`, `@metadata({ … })`).
        const decorator = /^@(?:sys\.)?(\w+)\s*\(/.exec(masked.slice(i));
        if (!decorator) throw new Error(`unreadable decorator: ${text.slice(i, i + 40)}`);
        const end = matchingBracket(masked, i + decorator[0].length - 1);
        pending.push({ name: decorator[1]!, start: i, end: end + 1 });
        i = end + 1;
        continue;
      }
      const declaration = /^param\s+(\w+)\s+([\w.]+)/.exec(masked.slice(i));
      if (declaration) {
        const lineEnd = masked.indexOf("\n", i);
        const line = masked.slice(i, lineEnd < 0 ? masked.length : lineEnd);
        const describe = pending.find((decorator) => decorator.name === "description");
        const described = describe
          ? /^@(?:sys\.)?description\(\s*'((?:[^'\\]|\\.)*)'\s*\)$/.exec(
              text.slice(describe.start, describe.end),
            )?.[1]
          : undefined;
        params.push({
          name: declaration[1]!,
          type: declaration[2]!,
          decorators: pending.map((decorator) => decorator.name),
          ...(described !== undefined ? { description: described.replace(/\\(.)/g, "$1") } : {}),
          hasDefault: /=/.test(line),
        });
      }
      pending = [];
    }
    if (c !== " " && c !== "\t") lineStart = false;
    if (OPEN.includes(c)) depth += 1;
    if (CLOSE.includes(c)) depth -= 1;
    i += 1;
  }
  return params;
}

/** A resource declaration: its symbolic name, type and API version, and its body's span. */
export interface BicepResource {
  readonly symbol: string;
  readonly type: string;
  readonly apiVersion: string;
  /** Indices of the body's `{` and `}`. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
}

/** Every `resource` declaration of a Bicep file (conditional and looped ones included). */
export function bicepResources(text: string): BicepResource[] {
  const masked = maskBicep(text);
  const found: BicepResource[] = [];
  const header = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'(?:\s+existing)?\s*=/gm;
  for (const match of text.matchAll(header)) {
    // Only declarations outside comments count: the masked text keeps the keyword where the code has it.
    if (!masked.startsWith("resource", match.index)) continue;
    const brace = masked.indexOf("{", match.index + match[0].length);
    found.push({
      symbol: match[1]!,
      type: match[2]!,
      apiVersion: match[3]!,
      bodyStart: brace,
      bodyEnd: matchingBracket(masked, brace),
    });
  }
  return found;
}

/**
 * The value of `key` directly inside the object literal spanning `[start, end]`: the text from after the
 * colon to the end of the value (an object or array is returned whole, brackets included).
 */
export function propertyOf(text: string, start: number, end: number, key: string): string | undefined {
  const masked = maskBicep(text);
  let depth = 0;
  for (let i = start + 1; i < end; i++) {
    const c = masked[i]!;
    if (OPEN.includes(c)) depth += 1;
    else if (CLOSE.includes(c)) depth -= 1;
    else if (depth === 0 && (i === start + 1 || /\s/.test(masked[i - 1]!))) {
      const match = new RegExp(`^${key}\\s*:\\s*`).exec(masked.slice(i));
      if (!match) continue;
      const valueStart = i + match[0].length;
      if (OPEN.includes(masked[valueStart]!))
        return text.slice(valueStart, matchingBracket(masked, valueStart) + 1);
      const lineEnd = masked.indexOf("\n", valueStart);
      return text.slice(valueStart, lineEnd < 0 ? end : Math.min(lineEnd, end)).trim();
    }
  }
  return undefined;
}

/** The keys of an object literal's top level (`{ a: 1, 'b-c': 2 }` ⇒ `a`, `b-c`). */
export function objectKeys(objectText: string): string[] {
  const masked = maskBicep(objectText);
  if (masked[0] !== "{") throw new Error(`not an object literal: ${objectText.slice(0, 40)}`);
  const keys: string[] = [];
  let depth = 0;
  let expectKey = true;
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i]!;
    if (OPEN.includes(c)) {
      depth += 1;
      continue;
    }
    if (CLOSE.includes(c)) {
      depth -= 1;
      continue;
    }
    if (depth !== 1) continue;
    if (c === "\n" || c === ",") {
      expectKey = true;
      continue;
    }
    if (!expectKey || /\s/.test(c)) continue;
    expectKey = false;
    const identifier = /^(\w+)\s*:/.exec(masked.slice(i));
    if (identifier) {
      keys.push(identifier[1]!);
      continue;
    }
    const quoted = /^'((?:[^'\\]|\\.)*)'\s*:/.exec(objectText.slice(i));
    if (quoted) keys.push(quoted[1]!);
  }
  return keys;
}
