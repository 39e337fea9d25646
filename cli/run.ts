/**
 * envctl's dispatcher: picks the command, turns usage mistakes into help and exit code 2, and
 * unexpected failures into exit code 1 without a stack trace for the user.
 */
import {
  importOptaCommand,
  isUsageError,
  historyCommand,
  loginCommand,
  permissionsCommand,
  planCommand,
  validateCommand,
  type CliCommand,
} from "./commands";
import { EXIT } from "./exit-codes";
import type { CliIo } from "./io";

/** The commands, in the order `envctl --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  validateCommand,
  planCommand,
  importOptaCommand,
  permissionsCommand,
  loginCommand,
  historyCommand,
];

function printHelp(write: (line: string) => void): void {
  write("usage: envctl <command> [arguments]");
  write("");
  write("commands:");
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  COMMANDS.forEach((command) => write(`  ${command.name.padEnd(width)}  ${command.summary}`));
  write("");
  write(
    "exit codes: 0 done, 2 refused input (usage, unreadable file, invalid spec or Opta file), 1 internal error",
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
    io.err(
      `envctl ${command.name}: internal error: ${error instanceof Error ? error.message : String(error)}`,
    );
    return EXIT.internalError;
  }
}
