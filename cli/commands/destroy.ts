/**
 * `envctl destroy ID`: deletes everything the environment holds, after the user types its id (or
 * `--yes`), and follows the destroy live.
 */
import { EXIT } from "../exit-codes";
import { CONNECTION_HELP } from "../service/connection";
import type { CliCommand } from "./command";
import {
  LIVE_OPTIONS,
  OUTPUT_HELP,
  clientFor,
  confirmByTyping,
  followToExit,
  onePositional,
  outputModeOf,
  parseCommand,
  printCommandHelp,
  refused,
} from "./service-command";

export const destroyCommand: CliCommand = {
  name: "destroy",
  summary: "delete an environment (after you type its id) and follow the destroy live",
  usage: "envctl destroy ID [--purge-key-vault] [--yes] [--no-wait] [-o tty|plain|json]",
  details: [
    "  ID                 the environment id, <org_name>-<name>",
    "  --purge-key-vault  purge the soft-deleted Key Vault too (Azure refuses while purge protection is on;",
    "                     then it is kept, recoverable, and the destroy still succeeds)",
    "  --yes              destroy without asking (required when standard input is not a terminal)",
    "  --no-wait          start the destroy and return",
    ...OUTPUT_HELP,
    ...CONNECTION_HELP,
    "Exit: 0 destroyed (or started), 2 refused or unknown id, 3 failed, 4 busy, 130 stopped watching.",
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, {
      ...LIVE_OPTIONS,
      "purge-key-vault": { type: "boolean" },
      yes: { type: "boolean", short: "y" },
      wait: { type: "boolean" },
      "no-wait": { type: "boolean" },
    });
    if (values.help) return printCommandHelp(io, this);
    const id = onePositional(positionals, "environment ID");
    const mode = outputModeOf(values.output, io);
    const client = await clientFor(io, values);
    const current = await client.get(id);
    if (!current.ok) return refused(io, current.problem);
    if (!values.yes) {
      const go = await confirmByTyping(
        io,
        `Destroy ${id} and everything in ${`rg-${id}`}? Type ${id} to confirm:`,
        id,
      );
      if (go !== true) {
        io.err(
          go === undefined
            ? "not a terminal: nothing destroyed; pass --yes to destroy without asking"
            : "the answer was not the environment's id: nothing destroyed",
        );
        return EXIT.refused;
      }
    }
    const started = await client.destroy(id, values["purge-key-vault"] ? "purge" : "keep");
    if (!started.ok) return refused(io, started.problem);
    if (values["no-wait"] && !values.wait) {
      if (mode !== "json") io.out(`Destroy of ${id} started. Follow it: envctl watch ${id}`);
      return EXIT.ok;
    }
    return followToExit(io, client, id, mode);
  },
};
