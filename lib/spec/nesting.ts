/**
 * A bound on how deeply spec text nests, found in one linear pass over the characters before any
 * parser sees them. Parsers and validators recurse over nesting: a 20 KB body of ten thousand `[` was
 * enough to exhaust the stack (and, inside the YAML library's lexer, the process's memory), killing a
 * host that was running other builds. Counting needs no recursion and no regular expression over the
 * whole text, so the refusal costs as little as the body is long.
 *
 * The count is an upper bound of the nesting a YAML (or JSON) parser would build: flow collections
 * (`[`, `{`) outside quoted strings and comments, plus block structure (each deeper indentation, and
 * each compact `- ` of a sequence entry), added up. Every doubt is resolved towards counting more: a
 * bracket inside a plain scalar counts, indentation inside a flow collection counts, and a quoted string
 * is only recognised where YAML would start one, and never beyond its line (so a misread quote can hide
 * at most the rest of one line, never the structure of the lines after it). It may count a few levels
 * more than the parser would; it never counts fewer, so a document under the bound is safe to parse.
 */

/** Characters that open and close flow collections (JSON arrays and objects). */
const OPENERS = new Set(["[", "{"]);
const CLOSERS = new Set(["]", "}"]);

/** True when a line, ignoring trailing comments, ends a block scalar header (`key: |`, `- >-`, `|2`). */
function opensBlockScalar(line: string): boolean {
  const code = line.replace(/\s+#.*$/, "").trimEnd();
  return /(^|[\s:-])[|>][+-]?\d?$/.test(code) || /(^|[\s:-])[|>]\d?[+-]?$/.test(code);
}

/**
 * True when the character at `index` begins a scalar: at the start of the line's content or after an
 * indicator (`:`, `-`, `?`, `,`, `[`, `{`) and spaces. A quote anywhere else is part of a plain scalar
 * (`don't`), not the start of a quoted one.
 */
function startsScalar(line: string, index: number): boolean {
  let j = index - 1;
  while (j >= 0 && (line[j] === " " || line[j] === "\t")) j--;
  if (j < 0) return true;
  const indicator = line[j] as string;
  if (",[{".includes(indicator)) return true;
  if (!":-?".includes(indicator)) return false;
  // `- `, `? ` and `: ` need a space after them; JSON's `"key":"value"` needs none after a quoted key.
  return j < index - 1 || (indicator === ":" && j > 0 && (line[j - 1] === '"' || line[j - 1] === "'"));
}

/**
 * Whether `text` nests deeper than `limit` levels.
 * @param limit - the deepest nesting accepted (a scalar at the root is depth 0)
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  const indents: number[] = [];
  let flowDepth = 0;
  let quote: '"' | "'" | undefined = undefined;
  let blockScalarIndent: number | undefined;
  const lines = text.split(/\r?\n/);
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const content = line.trim();
    // Lines of a block scalar are text, not structure, as long as they are indented past its header.
    if (blockScalarIndent !== undefined) {
      if (content === "" || indent > blockScalarIndent) continue;
      blockScalarIndent = undefined;
    }
    let blockDepth = indents.length;
    if (content !== "" && !content.startsWith("#")) {
      while (indents.length > 0 && (indents[indents.length - 1] as number) > indent) indents.pop();
      if (indents.length === 0 || (indents[indents.length - 1] as number) < indent) indents.push(indent);
      // `- - - x` nests one sequence per dash on a single line (`? ` a complex key likewise), and what
      // follows each indicator sits at its own, deeper column: later lines nest under it.
      const columns: number[] = [];
      for (let i = 0; (content[i] === "-" || content[i] === "?") && /^[ \t]?$/.test(content[i + 1] ?? "");) {
        i += 1;
        while (content[i] === " " || content[i] === "\t") i += 1;
        columns.push(indent + i);
      }
      blockDepth = indents.length + columns.length;
      if (blockDepth + flowDepth > limit) return true;
      for (const column of columns)
        if (column > (indents[indents.length - 1] as number)) indents.push(column);
      if (flowDepth === 0 && opensBlockScalar(line)) {
        blockScalarIndent = indent;
        continue;
      }
    }
    for (let i = 0; i < line.length; i++) {
      const char = line[i] as string;
      if (quote === '"') {
        if (char === "\\") i++;
        else if (char === '"') quote = undefined;
        continue;
      }
      if (quote === "'") {
        // YAML escapes a single quote by doubling it; the pair stays inside the string.
        if (char === "'") {
          if (line[i + 1] === "'") i++;
          else quote = undefined;
        }
        continue;
      }
      if ((char === '"' || char === "'") && startsScalar(line, i)) quote = char;
      else if (char === "#" && (i === 0 || /\s/.test(line[i - 1] as string))) break;
      // Even inside a plain scalar (`key: a[0]`), where YAML reads it as text: counting more is safe.
      else if (OPENERS.has(char)) {
        flowDepth += 1;
        if (blockDepth + flowDepth > limit) return true;
      } else if (CLOSERS.has(char)) flowDepth = Math.max(0, flowDepth - 1);
    }
    quote = undefined;
  }
  return false;
}
