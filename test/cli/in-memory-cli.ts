/** envctl run in-process over in-memory files, for tests that read what it prints and writes. */
import type { CliIo } from "../../cli/io";
import { runCli } from "../../cli/run";

/** What one run printed, and its exit code. */
export interface InMemoryRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

/**
 * Runs `envctl ARGS` over `files` (path → text; files it writes land there too) and `env`.
 */
export async function runInMemory(
  args: string[],
  files: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<InMemoryRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  const io: CliIo = {
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    fileSize: async (path) => {
      if (!(path in files)) throw missing(path);
      return Buffer.byteLength(files[path]!);
    },
    readTextFile: async (path) => {
      if (!(path in files)) throw missing(path);
      return files[path]!;
    },
    writeTextFile: async (path, text) => {
      files[path] = text;
    },
    env,
    fetch: (url, init) => fetch(url, init),
  };
  return { code: await runCli(args, io), stdout, stderr };
}
