/**
 * Turns spec text (YAML, or JSON, which is YAML's subset) into a plain value, refusing hostile input
 * cleanly: oversized documents, alias bombs, several documents in one text, duplicate keys, and nesting
 * deep enough to exhaust the stack. Pure: no I/O.
 */
import { parseDocument, type YAMLError } from "yaml";
import { nestsDeeperThan } from "./nesting";
import type { SpecProblem } from "./types";

/** Largest spec accepted, in UTF-8 bytes (256 KiB); real specs are a few KiB. */
export const MAX_SPEC_BYTES = 256 * 1024;

/**
 * Most alias expansions allowed when building the value. A legitimate spec needs none; a "billion laughs"
 * document needs millions.
 */
export const MAX_ALIAS_COUNT = 50;

/** Deepest nesting accepted; the spec itself is five levels deep. */
export const MAX_NESTING_DEPTH = 32;

/** The parsed value, or the problems that kept the text from being read. */
export type ParsedSpecText = { ok: true; value: unknown } | { ok: false; problems: SpecProblem[] };

function nestingDepthExceeds(value: unknown, limit: number): boolean {
  // Iterative, so a hostile document cannot overflow the stack here either.
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** Messages for the syntax errors users make most, in place of the library's wording. */
const REASONS: Partial<Record<YAMLError["code"], string>> = {
  DUPLICATE_KEY: "a key appears twice in the same mapping",
  MULTIPLE_DOCS: "a spec is one document; remove the --- separator and what follows",
};

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

const unreadable = (message: string): ParsedSpecText => ({ ok: false, problems: [{ path: "", message }] });

const deeperThanAllowed = unreadable(`the spec nests deeper than ${MAX_NESTING_DEPTH} levels`);

/** Largest list of specs read at once (a queue batch held in a blob), in UTF-8 bytes: 8 MiB. */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/** Parses YAML or JSON spec text. */
export function parseSpecText(text: string): ParsedSpecText {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_SPEC_BYTES) {
    return unreadable(`the spec is ${bytes} bytes; the limit is ${MAX_SPEC_BYTES} bytes (256 KiB)`);
  }
  return parseBoundedText(text);
}

/**
 * Parses a YAML or JSON list of specs (a queue batch too large for one message), with the same guards as
 * one spec and a larger size limit; each spec is validated on its own afterwards.
 */
export function parseBatchText(text: string): ParsedSpecText {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_BATCH_BYTES) {
    return unreadable(`the batch is ${bytes} bytes; the limit is ${MAX_BATCH_BYTES} bytes (8 MiB)`);
  }
  const parsed = parseBoundedText(text);
  if (parsed.ok && !Array.isArray(parsed.value)) return unreadable("a batch is a list of specs");
  return parsed;
}

/** The parse itself, after the size check. */
function parseBoundedText(text: string): ParsedSpecText {
  if (text.trim() === "") return unreadable("the spec is empty");
  // Before any parser runs: parsers recurse over nesting, and a deep enough body exhausts the stack or
  // the heap of the whole host, not just this request.
  if (nestsDeeperThan(text, MAX_NESTING_DEPTH)) return deeperThanAllowed;
  try {
    const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
    if (document.errors.length > 0) {
      return {
        ok: false,
        problems: document.errors.map((error) => {
          const { line, column } = lineAndColumn(text, error.pos[0]);
          const reason = REASONS[error.code] ?? error.message.split("\n")[0];
          return { path: "", message: `not valid YAML or JSON at line ${line}, column ${column}: ${reason}` };
        }),
      };
    }
    const value: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    // The exact depth of what was built; the text's bound above is what protects the parser.
    if (nestingDepthExceeds(value, MAX_NESTING_DEPTH)) return deeperThanAllowed;
    return { ok: true, value };
  } catch (error) {
    // The yaml library throws (ReferenceError) when aliases expand past maxAliasCount; deep nesting can
    // throw RangeError. Either way the document is refused, and its content is not echoed back.
    const reason =
      error instanceof Error && /alias/i.test(error.message)
        ? `the spec expands more than ${MAX_ALIAS_COUNT} YAML aliases`
        : "the spec could not be read as YAML or JSON";
    return unreadable(reason);
  }
}
