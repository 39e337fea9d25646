/**
 * What commands may touch of the outside world, passed in so tests can run a command in-process with
 * fakes and the command code stays free of globals.
 */
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";

/** The CLI's window on the process. */
export interface CliIo {
  /** Writes one line (a newline is added) to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Writes `text` as it is to standard output: the live view's frames and cursor moves. */
  write(text: string): void;
  /** Size of a file in bytes; rejects like `fs.stat` (e.g. `ENOENT`). */
  fileSize(path: string): Promise<number>;
  /** A file's text as UTF-8; rejects like `fs.readFile`. */
  readTextFile(path: string): Promise<string>;
  /** A file's bytes; rejects like `fs.readFile`. */
  readBinaryFile(path: string): Promise<Buffer>;
  /** Writes `text` as UTF-8, replacing the file; rejects like `fs.writeFile`. */
  writeTextFile(path: string, text: string): Promise<void>;
  /**
   * Writes a file only its owner may read (mode 0600), creating its folder (0700) if needed: the
   * profile, which holds the service's key.
   */
  writePrivateFile(path: string, text: string): Promise<void>;
  /** Standard input's whole text (`--key-stdin`). */
  readStdin(): Promise<string>;
  /**
   * Asks on the terminal and reads one line; with `hidden`, nothing typed is echoed (a key).
   * @returns `undefined` when standard input is not a terminal: there is nobody to ask
   */
  ask(question: string, options?: { readonly hidden?: boolean }): Promise<string | undefined>;
  /** Standard output's terminal, or `undefined` when it is a pipe or a file. */
  readonly terminal?: {
    /** Columns, read at each call (the window may be resized). */
    columns(): number;
    rows(): number;
  };
  /** Calls `handler` on Ctrl-C (SIGINT) instead of exiting. @returns a function that stops listening */
  onInterrupt(handler: () => void): () => void;
  /** HTTP, as the global `fetch`. */
  readonly fetch: typeof fetch;
  /** Waits `ms` milliseconds; resolves early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Reads one line from this process's terminal, echoing nothing when `hidden`. */
async function askTerminal(question: string, hidden: boolean): Promise<string | undefined> {
  const input = process.stdin;
  if (!input.isTTY) return undefined;
  process.stderr.write(question);
  if (!hidden) {
    const lines = createInterface({ input, terminal: false });
    const line = await new Promise<string>((resolve) => lines.once("line", resolve));
    lines.close();
    return line;
  }
  // Raw mode: the terminal echoes nothing, and each key arrives as typed (Enter ends, Backspace erases,
  // Ctrl-C gives up).
  input.setRawMode(true);
  input.resume();
  try {
    return await new Promise<string | undefined>((resolve) => {
      let typed = "";
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString("utf8")) {
          if (char === "\r" || char === "\n" || char === "\u0003" || char === "\u0004") {
            input.off("data", onData);
            return resolve(char === "\u0003" ? undefined : typed);
          }
          typed = char === "\u007f" || char === "\b" ? typed.slice(0, -1) : typed + char;
        }
      };
      input.on("data", onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write("\n");
  }
}

/** The real process: stdout, stderr, the file system, the terminal and `process.env`. */
export function processIo(): CliIo {
  const stdout = process.stdout;
  return {
    out: (line) => stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    write: (text) => stdout.write(text),
    fileSize: async (path) => (await stat(path)).size,
    readTextFile: (path) => readFile(path, "utf8"),
    readBinaryFile: (path) => readFile(path),
    writeTextFile: (path, text) => writeFile(path, text, "utf8"),
    async writePrivateFile(path, text) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, text, { encoding: "utf8", mode: 0o600 });
      // The mode of `writeFile` applies only to a new file: an older profile keeps its own otherwise.
      await chmod(path, 0o600);
    },
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    ask: (question, options) => askTerminal(question, options?.hidden === true),
    ...(stdout.isTTY && process.env.TERM !== "dumb"
      ? { terminal: { columns: () => stdout.columns || 80, rows: () => stdout.rows || 24 } }
      : {}),
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => process.off("SIGINT", handler);
    },
    fetch: (input, init) => fetch(input, init),
    sleep: (ms, signal) =>
      delay(ms, undefined, signal ? { signal } : undefined).catch((error: unknown) => {
        if ((error as { name?: string }).name !== "AbortError") throw error;
      }),
    env: process.env,
  };
}
