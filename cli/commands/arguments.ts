/** Argument parsing shared by the commands that take one spec file and `--json`. */
import { parseArgs } from "node:util";
import { UsageError } from "./command";

/** A spec file and whether to print JSON. */
export interface SpecFileArguments {
  readonly file: string;
  readonly json: boolean;
  readonly help: boolean;
}

/** Parses `FILE [--json] [--help]`. @throws UsageError for unknown options or a wrong file count. */
export function parseSpecFileArguments(args: readonly string[]): SpecFileArguments {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const help = parsed.values.help === true;
  if (help) return { file: "", json: false, help };
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      parsed.positionals.length === 0
        ? "missing the spec FILE"
        : `expected one spec FILE, got ${parsed.positionals.length}`,
    );
  }
  return { file: parsed.positionals[0]!, json: parsed.values.json === true, help };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
}
