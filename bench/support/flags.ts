/** Command-line flags of the benchmarks. */

/** Parses a positive number flag. @throws Error naming the flag when it is not one */
export function positiveFlag(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${text}"`);
  return value;
}
