/**
 * Azurite's process, as `startAzurite` runs it: Azurite's own command line, in this process, with one
 * addition — it exits when the process that started it is gone. Its stdin is a pipe from the parent
 * that is never written to; the operating system closes it when the parent exits, however it exits
 * (SIGKILL included), so no Azurite is left running against a data folder after a hard kill of the
 * local stack or a test.
 *
 * Usage: `node azurite-child.js <azurite arguments…>`.
 */
import { argv, execPath, exit, kill, pid, stdin } from "node:process";
import { pathToFileURL } from "node:url";

/** How long Azurite gets to close its stores after its parent is gone. */
const SHUTDOWN_GRACE_MS = 5_000;

function whenParentIsGone(): void {
  // SIGTERM runs Azurite's own graceful shutdown (it flushes its stores); exit regardless after a grace.
  kill(pid, "SIGTERM");
  setTimeout(() => exit(0), SHUTDOWN_GRACE_MS).unref();
}

stdin.on("end", whenParentIsGone);
stdin.on("error", whenParentIsGone);
stdin.resume();

const azuriteMain = require.resolve("azurite/dist/src/azurite.js");
// Azurite reads its options from the command line.
argv.splice(0, argv.length, execPath, azuriteMain, ...argv.slice(2));
// Loaded for its effect: Azurite's command-line entry starts the servers.
import(pathToFileURL(azuriteMain).href).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  exit(1);
});
