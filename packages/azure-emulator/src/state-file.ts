/**
 * The optional state file: everything a restarted emulator needs to carry on — resources, operations,
 * data-plane state (secret values included: keep the file private, mode 0600) and vault ports.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { StoreSnapshot } from "./store.js";

/** Bumped when the layout changes; older files are refused rather than misread. */
export const STATE_FILE_VERSION = 1;

/** The file's content. */
export interface EmulatorState {
  readonly version: number;
  readonly store: StoreSnapshot;
  readonly keyVault: unknown;
  readonly kubernetes: unknown;
  /** Last port of each vault's origin, by lower-case vault id. */
  readonly vaultPorts: Record<string, number>;
  readonly operations: unknown[];
}

/** Writes the state atomically: a crash mid-write leaves the previous file intact. */
export function writeStateFile(path: string, state: Omit<EmulatorState, "version">): void {
  mkdirSync(dirname(path), { recursive: true });
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, JSON.stringify({ version: STATE_FILE_VERSION, ...state }), { mode: 0o600 });
  renameSync(staging, path);
}

/**
 * Reads a state file.
 * @returns undefined when there is none yet; throws for a file of another version
 */
export function readStateFile(path: string): EmulatorState | undefined {
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, "utf8")) as EmulatorState;
  if (state.version !== STATE_FILE_VERSION) {
    throw new Error(
      `unsupported emulator state file version ${String(state.version)} (expected ${STATE_FILE_VERSION})`,
    );
  }
  return state;
}
