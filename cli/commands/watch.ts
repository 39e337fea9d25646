/** `envctl watch ID`: follows the environment's running operation live (or shows how the last one ended). */
import { CONNECTION_HELP } from "../service/connection";
import type { CliCommand } from "./command";
import {
  LIVE_OPTIONS,
  OUTPUT_HELP,
  clientFor,
  followToExit,
  onePositional,
  outputModeOf,
  parseCommand,
  printCommandHelp,
} from "./service-command";

export const watchCommand: CliCommand = {
  name: "watch",
  summary: "follow an environment's build or destroy live until it ends",
  usage: "envctl watch ID [-o tty|plain|json]",
  details: [
    "  ID  the environment id, <org_name>-<name>",
    ...OUTPUT_HELP,
    ...CONNECTION_HELP,
    "Ctrl-C stops watching, never the operation. Exit: 0 succeeded, 3 failed or canceled, 2 unknown id, 130 stopped watching.",
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, LIVE_OPTIONS);
    if (values.help) return printCommandHelp(io, this);
    const id = onePositional(positionals, "environment ID");
    const mode = outputModeOf(values.output, io);
    return followToExit(io, await clientFor(io, values), id, mode);
  },
};
