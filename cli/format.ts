/** Text formatting shared by the commands' human-readable output. */
import type { SpecProblem } from "../lib/spec/types";

/** `1281` ⇒ `21m 21s`; `120` ⇒ `2m`; `3600` ⇒ `1h`; `3660` ⇒ `1h 1m`; `42` ⇒ `42s`. */
export function formatDuration(totalSec: number): string {
  const sec = Math.round(totalSec);
  const hours = Math.floor(sec / 3600);
  const minutes = Math.floor((sec % 3600) / 60);
  const seconds = sec % 60;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return seconds > 0 ? `${minutes}m ${seconds}s` : `${minutes}m`;
  return `${seconds}s`;
}

/** `path: message`, or just the message for problems about the whole document or file. */
export function formatProblem(problem: SpecProblem): string {
  return problem.path === "" ? problem.message : `${problem.path}: ${problem.message}`;
}

/** Pads each column to its widest cell (the last column is not padded). */
export function formatTable(rows: readonly (readonly string[])[], indent = "  "): string[] {
  const widths = rows.reduce<number[]>(
    (acc, row) => row.map((cell, index) => Math.max(acc[index] ?? 0, cell.length)),
    [],
  );
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
        .join("  ")
        .trimEnd(),
  );
}
