/** envctl's entry point (bin/envctl.js loads the compiled form): runs the CLI on this process. */
import { processIo } from "./io";
import { runCli } from "./run";

void runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
