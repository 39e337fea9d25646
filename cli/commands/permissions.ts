/**
 * `envctl permissions [FILE…]`: the exact Azure actions and data actions the provisioner performs to
 * build and destroy the given specs' environments (every kind it can build, without files), as a custom
 * role definition; with `--condition`, the ABAC condition that limits its role assignments to the roles
 * those builds grant. Both come from the declarations beside each step's calls
 * (`activities/permissions.ts`), and `infra/` holds their output for all kinds.
 */
import { parseArgs } from "node:util";
import { provisionerRole, provisionerRoleCondition } from "../../activities/permissions";
import { isPlanContextError } from "../../lib/plan/errors";
import { planEnvironment } from "../../lib/plan/plan";
import type { Plan } from "../../lib/plan/types";
import { EXIT } from "../exit-codes";
import { formatProblem } from "../format";
import { planContextFromEnv } from "../provisioner-context";
import { validateSpecFile } from "../spec-file";
import { UsageError, type CliCommand } from "./command";

interface PermissionsArguments {
  readonly files: readonly string[];
  readonly condition: boolean;
  readonly help: boolean;
}

function parsePermissionsArguments(args: readonly string[]): PermissionsArguments {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { condition: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
    return { files: positionals, condition: values.condition === true, help: values.help === true };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export const permissionsCommand: CliCommand = {
  name: "permissions",
  summary:
    "print the custom Azure role with exactly the actions the provisioner performs (for the specs, or all kinds)",
  usage: "envctl permissions [FILE…] [--condition]",
  details: [
    "  FILE…        specs whose environments the role must build and destroy (default: every kind envctl can build)",
    "  --condition  print the ABAC condition for the role's assignment instead: role assignments only of the",
    "               roles those builds grant, only to the provisioner (PROVISIONER_PRINCIPAL_ID placeholder)",
    "  The output for all kinds is committed as infra/provisioner-role.json and infra/provisioner-role-condition.json.",
  ],
  async run(args, io) {
    const { files, condition, help } = parsePermissionsArguments(args);
    if (help) {
      [`usage: ${this.usage}`, ...this.details].forEach((line) => io.out(line));
      return EXIT.ok;
    }
    let plans: Plan[] | undefined;
    if (files.length > 0) {
      plans = [];
      let refused = false;
      for (const file of files) {
        const result = await validateSpecFile(io, file);
        result.warnings.forEach((warning) => io.err(`warning: ${file}: ${formatProblem(warning)}`));
        if (!result.ok) {
          refused = true;
          io.err(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}`);
          result.problems.forEach((problem) => io.err(`  ${formatProblem(problem)}`));
          continue;
        }
        try {
          plans.push(planEnvironment(result.spec, planContextFromEnv(io.env)));
        } catch (error) {
          if (!isPlanContextError(error)) throw error;
          io.err(`provisioner settings: ${error.message}`);
          return EXIT.refused;
        }
      }
      // One bad spec refuses the whole command: a role missing an environment's actions is worse than none.
      if (refused) return EXIT.refused;
    }
    const output = condition ? provisionerRoleCondition(plans) : provisionerRole(plans);
    io.out(JSON.stringify(output, null, 2));
    return EXIT.ok;
  },
};
