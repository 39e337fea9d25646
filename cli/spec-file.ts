/**
 * Reads spec files (and Opta's files, which have the same limits) and validates specs: the one place the
 * CLI touches them. File problems are reported like spec problems, so every command shows them the same
 * way.
 */
import { MAX_SPEC_BYTES } from "../lib/spec/parse";
import type { SpecProblem, SpecValidation } from "../lib/spec/types";
import { validateSpec } from "../lib/spec/validate";
import type { CliIo } from "./io";

/** Why a file could not be read or written, in the user's words. */
export function fileProblem(path: string, error: unknown, verb: "read" | "write" = "read"): SpecProblem {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === "ENOENT"
      ? verb === "read"
        ? "no such file"
        : "its folder does not exist"
      : code === "EISDIR"
        ? "it is a directory, not a file"
        : code === "EACCES"
          ? "permission denied"
          : `it could not be ${verb === "read" ? "read" : "written"}`;
  return { path: "", message: `cannot ${verb} ${path}: ${reason}` };
}

/**
 * Reads a spec-sized file (an environment spec, an Opta file): its size is checked before it is read, so
 * a huge file is refused without loading it.
 */
export async function readSpecSizedFile(
  io: CliIo,
  path: string,
): Promise<{ ok: true; text: string } | { ok: false; problem: SpecProblem }> {
  try {
    const size = await io.fileSize(path);
    if (size > MAX_SPEC_BYTES) {
      return {
        ok: false,
        problem: {
          path: "",
          message: `${path} is ${size} bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes`,
        },
      };
    }
    return { ok: true, text: await io.readTextFile(path) };
  } catch (error) {
    return { ok: false, problem: fileProblem(path, error) };
  }
}

/** Reads and validates the spec at `path`. The file's size is checked before it is read. */
export async function validateSpecFile(io: CliIo, path: string): Promise<SpecValidation> {
  const file = await readSpecSizedFile(io, path);
  return file.ok ? validateSpec(file.text) : { ok: false, problems: [file.problem], warnings: [] };
}
