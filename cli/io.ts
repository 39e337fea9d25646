/**
 * What commands may touch of the outside world, passed in so tests can run a command in-process with
 * fakes and the command code stays free of globals.
 */
import { readFile, stat, writeFile } from "node:fs/promises";

/** The CLI's window on the process. */
export interface CliIo {
  /** Writes one line (a newline is added) to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Size of a file in bytes; rejects like `fs.stat` (e.g. `ENOENT`). */
  fileSize(path: string): Promise<number>;
  /** A file's text as UTF-8; rejects like `fs.readFile`. */
  readTextFile(path: string): Promise<string>;
  /** Writes `text` as UTF-8, replacing the file; rejects like `fs.writeFile`. */
  writeTextFile(path: string, text: string): Promise<void>;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** An HTTP request (`envctl plan --preflight` asks the service). @default the global fetch */
  fetch(url: string, init: RequestInit): Promise<Response>;
}

/** The real process: stdout, stderr, the file system and `process.env`. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    fileSize: async (path) => (await stat(path)).size,
    readTextFile: (path) => readFile(path, "utf8"),
    writeTextFile: (path, text) => writeFile(path, text, "utf8"),
    env: process.env,
    fetch: (url, init) => fetch(url, init),
  };
}
