/**
 * envctl's dispatcher: picks the command, turns usage mistakes into help and exit code 2, and
 * unexpected failures into exit code 1 without a stack trace for the user.
 */
import {
  applyCommand,
  cancelCommand,
  certificateCommand,
  destroyCommand,
  importOptaCommand,
  isUsageError,
  historyCommand,
  listCommand,
  loginCommand,
  permissionsCommand,
  tokenCommand,
  planCommand,
  statusCommand,
  validateCommand,
  watchCommand,
  type CliCommand,
} from "./commands";
import { isServiceUnreachable } from "./service/client";
import { EXIT } from "./exit-codes";
import type { CliIo } from "./io";

/** The commands, in the order `envctl --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  validateCommand,
  planCommand,
  applyCommand,
  statusCommand,
  watchCommand,
  listCommand,
  destroyCommand,
  cancelCommand,
  certificateCommand,
  historyCommand,
  loginCommand,
  tokenCommand,
  importOptaCommand,
  permissionsCommand,
];

function printHelp(write: (line: string) => void): void {
  write("usage: envctl <command> [arguments]");
  write("");
  write("commands:");
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  COMMANDS.forEach((command) => write(`  ${command.name.padEnd(width)}  ${command.summary}`));
  write("");
  write("service: envctl login URL (saved in ~/.config/envctl/profile.json), or ENVCTL_URL and ENVCTL_KEY");
  write(
    "exit codes: 0 done, 1 internal error, 2 refused input (usage, file, invalid spec, the API's 400/401/404/415),",
  );
  write(
    "            3 the operation failed in Azure (or was canceled), 4 busy (409), 130 stopped watching (Ctrl-C)",
  );
}

/** Runs envctl with `argv` (the arguments after the program name). @returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const write = name === undefined ? io.err : io.out;
    printHelp(write);
    return name === undefined ? EXIT.refused : EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`envctl: unknown command "${name}"`);
    printHelp(io.err);
    return EXIT.refused;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (isUsageError(error)) {
      io.err(`envctl ${command.name}: ${error.message}`);
      io.err(`usage: ${command.usage}`);
      return EXIT.refused;
    }
    if (isServiceUnreachable(error)) {
      io.err(`envctl ${command.name}: ${error.message}`);
      return EXIT.internalError;
    }
    io.err(
      `envctl ${command.name}: internal error: ${error instanceof Error ? error.message : String(error)}`,
    );
    return EXIT.internalError;
  }
}
