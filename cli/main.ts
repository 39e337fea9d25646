/** envctl's entry point (bin/envctl.js loads the compiled form): runs the CLI on this process. */
import { processIo } from "./io";
import { runCli } from "./run";

// `envctl plan … | head` closes the pipe early: the reader's choice, not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
