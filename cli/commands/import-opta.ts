/**
 * `envctl import-opta ENV_FILE [SERVICE_FILE…]`: Opta's environment file and service files as one spec of
 * this service (`lib/spec/opta-import.ts`), as YAML on standard output or in a file; the warnings (what was
 * replaced, renamed or not carried over) on standard error, or in the JSON.
 */
import { parseArgs } from "node:util";
import { importOpta, type OptaFile } from "../../lib/spec/opta-import";
import type { SpecProblem } from "../../lib/spec/types";
import { EXIT } from "../exit-codes";
import { formatProblem } from "../format";
import type { CliIo } from "../io";
import { fileProblem, readSpecSizedFile } from "../spec-file";
import { UsageError, type CliCommand } from "./command";

interface ImportArguments {
  readonly environment: string;
  readonly services: readonly string[];
  readonly output: string | undefined;
  readonly json: boolean;
  readonly help: boolean;
}

function parseImportArguments(args: readonly string[]): ImportArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: "string", short: "o" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const help = parsed.values.help === true;
  const [environment, ...services] = parsed.positionals;
  if (!help && environment === undefined) throw new UsageError("missing the Opta environment FILE");
  return {
    environment: environment ?? "",
    services,
    output: parsed.values.output,
    json: parsed.values.json === true,
    help,
  };
}

export const importOptaCommand: CliCommand = {
  name: "import-opta",
  summary: "convert an Opta environment file and its service files into one spec (YAML)",
  usage: "envctl import-opta ENV_FILE [SERVICE_FILE…] [-o FILE] [--json]",
  details: [
    "  ENV_FILE           Opta's environment file for Azure (name, org_name, providers.azurerm, modules)",
    "  SERVICE_FILE       Opta service files (opta.yaml) whose postgres and redis modules belong to it",
    "  -o, --output FILE  write the spec to FILE instead of standard output",
    "  --json             print { ok, spec, specYaml, warnings } or { ok, problems, warnings } on standard output",
    "Warnings (values replaced, modules renamed, keys not carried over) go to standard error.",
  ],
  async run(args, io) {
    const options = parseImportArguments(args);
    if (options.help) {
      [`usage: ${this.usage}`, ...this.details].forEach((line) => io.out(line));
      return EXIT.ok;
    }
    const paths = [options.environment, ...options.services];
    const files: OptaFile[] = [];
    const unreadable: SpecProblem[] = [];
    for (const path of paths) {
      const file = await readSpecSizedFile(io, path);
      if (file.ok) files.push({ label: path, text: file.text });
      else unreadable.push(file.problem);
    }
    const result =
      unreadable.length > 0
        ? { ok: false as const, problems: unreadable, warnings: [] }
        : importOpta({ environment: files[0]!, services: files.slice(1) });

    if (!result.ok) {
      if (options.json)
        io.out(JSON.stringify({ ok: false, problems: result.problems, warnings: result.warnings }, null, 2));
      else {
        printWarnings(io, result.warnings);
        const count = result.problems.length;
        io.err(`import-opta: ${count} problem${count === 1 ? "" : "s"}; nothing written`);
        result.problems.forEach((problem) => io.err(`  ${formatProblem(problem)}`));
      }
      return EXIT.refused;
    }
    if (options.output !== undefined) {
      try {
        await io.writeTextFile(options.output, result.specYaml);
      } catch (error) {
        io.err(formatProblem(fileProblem(options.output, error, "write")));
        return EXIT.refused;
      }
    }
    if (options.json) {
      io.out(
        JSON.stringify(
          { ok: true, spec: result.spec, specYaml: result.specYaml, warnings: result.warnings },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    printWarnings(io, result.warnings);
    if (options.output === undefined) io.out(result.specYaml.trimEnd());
    else
      io.err(
        `import-opta: wrote ${options.output} (environment ${String(result.spec.org_name)}-${String(result.spec.name)})`,
      );
    return EXIT.ok;
  },
};

function printWarnings(io: CliIo, warnings: readonly SpecProblem[]): void {
  warnings.forEach((warning) => io.err(`warning: ${formatProblem(warning)}`));
}
