/**
 * What the commands that talk to the service share: argument parsing with the connection options, the
 * output mode, confirmation prompts, reading a spec file for the API, and turning answers and
 * operation outcomes into exit codes.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { EnvironmentSpec, SpecProblem } from "../../lib/spec/types";
import { EXIT, exitForStatus } from "../exit-codes";
import { formatProblem } from "../format";
import type { CliIo } from "../io";
import { follow, type FollowOptions } from "../live/follow";
import { createRenderer, defaultOutputMode, type OutputMode } from "../live/renderers";
import { describeProblem, serviceClient, type Problem, type ServiceClient } from "../service/client";
import { CONNECTION_OPTIONS, requireConnection } from "../service/connection";
import { validateSpecFile } from "../spec-file";
import { UsageError, type CliCommand } from "./command";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses `args` with `options` plus `--help`. @throws UsageError for unknown options */
export function parseCommand<T extends Options>(args: readonly string[], options: T) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { ...options, help: { type: "boolean", short: "h" } } as T & {
        help: { type: "boolean"; short: "h" };
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--url`, `--key` and `--output` (live commands). */
export const LIVE_OPTIONS = { ...CONNECTION_OPTIONS, output: { type: "string", short: "o" } } as const;

/** Help lines for `--output`. */
export const OUTPUT_HELP: readonly string[] = [
  "  -o, --output MODE  tty: the live view (default on a terminal); plain: one line per change (default",
  "                     otherwise); json: one JSON event per line (NDJSON)",
];

/** The output mode `--output` asks for, or the default for this terminal. @throws UsageError */
export function outputModeOf(value: string | undefined, io: CliIo): OutputMode {
  if (value === undefined) return defaultOutputMode(io);
  if (value === "tty" || value === "plain" || value === "json") return value;
  throw new UsageError(`--output must be tty, plain or json, not "${value}"`);
}

/** Prints the command's usage and details. */
export function printCommandHelp(io: CliIo, command: CliCommand): number {
  [`usage: ${command.usage}`, ...command.details].forEach((line) => io.out(line));
  return EXIT.ok;
}

/** The service client for the configured connection. @throws UsageError when none is configured */
export async function clientFor(io: CliIo, values: { url?: string; key?: string }): Promise<ServiceClient> {
  return serviceClient(await requireConnection(io, values), io.fetch);
}

/** Prints a refusal on stderr. @returns its exit code (2 refused, 4 busy, 1 server error) */
export function refused(io: CliIo, problem: Problem): number {
  describeProblem(problem).forEach((line) => io.err(line));
  return exitForStatus(problem.status);
}

/** The exit code of an operation that ended with `status`. */
export function outcomeExit(status: string): number {
  return status === "succeeded" ? EXIT.ok : EXIT.failed;
}

/** Follows the operation with the renderer for `mode`. @returns the exit code */
export async function followToExit(
  io: CliIo,
  client: ServiceClient,
  environmentId: string,
  mode: OutputMode,
  options: FollowOptions = {},
): Promise<number> {
  const end = await follow(io, client, environmentId, await createRenderer(mode, io), options);
  if (end.kind === "refused") return refused(io, end.answer.problem);
  if (end.kind === "interrupted") return EXIT.interrupted;
  return outcomeExit(end.snapshot.status);
}

/**
 * Asks the user to type `expected` to go on (`--yes` skips it).
 * @returns true to go on; false when the answer differs; undefined when there is no terminal to ask
 */
export async function confirmByTyping(
  io: CliIo,
  question: string,
  expected: string,
): Promise<boolean | undefined> {
  const answer = await io.ask(`${question} `);
  return answer === undefined ? undefined : answer.trim() === expected;
}

/** A spec file read and validated locally, ready to send. */
export type SpecFileForApi =
  | {
      readonly ok: true;
      readonly text: string;
      readonly spec: EnvironmentSpec;
      readonly environmentId: string;
    }
  | { readonly ok: false; readonly exit: number };

/** Reads and validates `file` as `validate` does, printing its problems and warnings. */
export async function readSpecForApi(io: CliIo, file: string): Promise<SpecFileForApi> {
  const result = await validateSpecFile(io, file);
  result.warnings.forEach((warning: SpecProblem) => io.err(`warning: ${formatProblem(warning)}`));
  if (!result.ok) {
    io.err(
      `${file}: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; nothing sent`,
    );
    result.problems.forEach((problem) => io.err(`  ${formatProblem(problem)}`));
    return { ok: false, exit: EXIT.refused };
  }
  return {
    ok: true,
    text: await io.readTextFile(file),
    spec: result.spec,
    environmentId: `${result.spec.org_name}-${result.spec.name}`,
  };
}

/** A spec's text as the API takes it (YAML reads JSON too). */
export const specBody = (text: string) => ({ body: text, contentType: "application/yaml" });

/** The one positional a command takes. @throws UsageError for none or more */
export function onePositional(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0 ? `missing the ${what}` : `expected one ${what}, got ${positionals.length}`,
    );
  return positionals[0]!;
}
