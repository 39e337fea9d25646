/**
 * Reads a spec file and validates it: the one place the CLI touches spec files. File problems are
 * reported like spec problems, so every command shows them the same way.
 */
import { MAX_SPEC_BYTES } from "../lib/spec/parse";
import type { SpecProblem, SpecValidation } from "../lib/spec/types";
import { validateSpec } from "../lib/spec/validate";
import type { CliIo } from "./io";

function fileProblem(path: string, error: unknown): SpecProblem {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "it is a directory, not a file"
        : code === "EACCES"
          ? "permission denied"
          : "it could not be read";
  return { path: "", message: `cannot read ${path}: ${reason}` };
}

/** Reads and validates the spec at `path`. The file's size is checked before it is read. */
export async function validateSpecFile(io: CliIo, path: string): Promise<SpecValidation> {
  try {
    const size = await io.fileSize(path);
    if (size > MAX_SPEC_BYTES) {
      return {
        ok: false,
        problems: [
          { path: "", message: `${path} is ${size} bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes` },
        ],
        warnings: [],
      };
    }
    return validateSpec(await io.readTextFile(path));
  } catch (error) {
    return { ok: false, problems: [fileProblem(path, error)], warnings: [] };
  }
}
