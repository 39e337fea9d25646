/** envctl run in-process over in-memory files, for tests that read what it prints and writes. */
import type { CliIo } from "../../cli/io";
import { runCli } from "../../cli/run";

/** What one run printed, and its exit code. */
export interface InMemoryRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Files written with owner-only permissions (the profile), by path. */
  readonly privateFiles: ReadonlySet<string>;
}

/** The rest of the world a run may see. */
export interface InMemoryWorld {
  /** Standard input's text. @default "" */
  readonly stdin?: string;
  /** Answers typed at the terminal, in order; without them there is no terminal to ask. */
  readonly answers?: string[];
  /** @default - no network: every request fails as unreachable */
  readonly fetch?: typeof fetch;
}

/**
 * Runs `envctl ARGS` over `files` (path → text; files it writes land there too), `env` and `world`.
 */
export async function runInMemory(
  args: string[],
  files: Record<string, string> = {},
  env: Record<string, string> = {},
  world: InMemoryWorld = {},
): Promise<InMemoryRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const privateFiles = new Set<string>();
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  const answers = world.answers ? [...world.answers] : undefined;
  const io: CliIo = {
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    write: (text) => stdout.push(text),
    fileSize: async (path) => {
      if (!(path in files)) throw missing(path);
      return Buffer.byteLength(files[path]!);
    },
    readTextFile: async (path) => {
      if (!(path in files)) throw missing(path);
      return files[path]!;
    },
    readBinaryFile: async (path) => {
      if (!(path in files)) throw missing(path);
      return Buffer.from(files[path]!, "utf8");
    },
    writeTextFile: async (path, text) => {
      files[path] = text;
    },
    writePrivateFile: async (path, text) => {
      files[path] = text;
      privateFiles.add(path);
    },
    readStdin: async () => world.stdin ?? "",
    ask: async (question) => {
      if (!answers) return undefined;
      stderr.push(question);
      return answers.shift() ?? "";
    },
    onInterrupt: () => () => undefined,
    fetch:
      world.fetch ??
      (async () => {
        throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
      }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
    env,
  };
  return { code: await runCli(args, io), stdout, stderr, privateFiles };
}
