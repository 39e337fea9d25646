/** `envctl validate FILE`: every problem of a spec, or a confirmation. */
import { EXIT } from "../exit-codes";
import { formatProblem } from "../format";
import { validateSpecFile } from "../spec-file";
import { parseSpecFileArguments } from "./arguments";
import type { CliCommand } from "./command";

export const validateCommand: CliCommand = {
  name: "validate",
  summary: "check a spec and print every problem (exit 2 when there is one)",
  usage: "envctl validate FILE [--json]",
  details: ["  --json  print { ok, problems, warnings } on standard output"],
  async run(args, io) {
    const { file, json, help } = parseSpecFileArguments(args);
    if (help) {
      [`usage: ${this.usage}`, ...this.details].forEach((line) => io.out(line));
      return EXIT.ok;
    }
    const result = await validateSpecFile(io, file);
    if (json) {
      io.out(
        JSON.stringify(
          result.ok
            ? { ok: true, warnings: result.warnings }
            : { ok: false, problems: result.problems, warnings: result.warnings },
          null,
          2,
        ),
      );
    } else {
      result.warnings.forEach((warning) => io.err(`warning: ${formatProblem(warning)}`));
      if (result.ok) {
        const modules = result.spec.modules.map((module) => module.name).join(", ");
        io.out(
          `${file}: valid (environment ${result.spec.org_name}-${result.spec.name}; modules ${modules})`,
        );
      } else {
        io.err(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}`);
        result.problems.forEach((problem) => io.err(`  ${formatProblem(problem)}`));
      }
    }
    return result.ok ? EXIT.ok : EXIT.refused;
  },
};
