/** `envctl cancel ID`: stops the environment's running build or destroy in the service. */
import { EXIT } from "../exit-codes";
import { CONNECTION_HELP, CONNECTION_OPTIONS } from "../service/connection";
import type { CliCommand } from "./command";
import { clientFor, onePositional, parseCommand, printCommandHelp, refused } from "./service-command";

export const cancelCommand: CliCommand = {
  name: "cancel",
  summary: "stop an environment's running build or destroy",
  usage: "envctl cancel ID",
  details: [
    "  ID  the environment id, <org_name>-<name>",
    ...CONNECTION_HELP,
    "Resources Azure was still writing finish (or fail) on their own; a later apply adopts what it finds.",
    "Exit: 0 canceled, 4 nothing was running, 2 unknown id.",
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, CONNECTION_OPTIONS);
    if (values.help) return printCommandHelp(io, this);
    const id = onePositional(positionals, "environment ID");
    const answer = await (await clientFor(io, values)).cancel(id);
    if (!answer.ok) return refused(io, answer.problem);
    const action = answer.body.lastOperation?.action ?? "operation";
    io.out(`Canceled the ${action} of ${id}.`);
    if (answer.body.leftInAzure.length > 0)
      io.out(`Azure was still writing (it finishes them on its own): ${answer.body.leftInAzure.join(", ")}`);
    if (answer.body.stillStopping?.length)
      io.out(`Still stopping in the service: ${answer.body.stillStopping.join(", ")}`);
    return EXIT.ok;
  },
};
