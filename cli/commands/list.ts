/** `envctl list`: every environment with its last operation. */
import { EXIT } from "../exit-codes";
import { formatTable } from "../format";
import { shortDuration } from "../live/text";
import { CONNECTION_HELP, CONNECTION_OPTIONS } from "../service/connection";
import type { CliCommand } from "./command";
import { clientFor, parseCommand, printCommandHelp, refused } from "./service-command";

export const listCommand: CliCommand = {
  name: "list",
  summary: "list the environments with their last operation and its status",
  usage: "envctl list [--json]",
  details: ["  --json  print the API's answer as it is", ...CONNECTION_HELP],
  async run(args, io) {
    const { values } = parseCommand(args, { ...CONNECTION_OPTIONS, json: { type: "boolean" } });
    if (values.help) return printCommandHelp(io, this);
    const answer = await (await clientFor(io, values)).list();
    if (!answer.ok) return refused(io, answer.problem);
    const environments = answer.body.environments;
    if (values.json) {
      io.out(JSON.stringify(answer.body, null, 2));
      return EXIT.ok;
    }
    if (environments.length === 0) {
      io.out("No environments yet: envctl apply FILE builds one.");
      return EXIT.ok;
    }
    const rows = environments.map((environment) => {
      const operation = environment.lastOperation;
      const took =
        operation?.endedAt !== undefined
          ? shortDuration((Date.parse(operation.endedAt) - Date.parse(operation.startedAt)) / 1000)
          : environment.progress
            ? `${shortDuration(environment.progress.elapsedSec)}, ETA ~${shortDuration(environment.progress.etaSec)}`
            : "";
      return [
        environment.environmentId,
        operation?.action ?? "",
        operation?.status ?? "",
        operation?.startedAt.replace(/\.\d+Z$/, "Z") ?? "",
        took,
      ];
    });
    formatTable([["ENVIRONMENT", "LAST", "STATUS", "STARTED", "TOOK"], ...rows], "").forEach((line) =>
      io.out(line),
    );
    return EXIT.ok;
  },
};
