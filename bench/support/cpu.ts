/**
 * CPU time of the processes of a benchmark's stack (user + system), so each figure can say which part of
 * the local stack spent it: the devhost (a child process), Azurite (a child process), and this process
 * (the emulator and the script's own status polling).
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`: 100 on every Linux this runs on). */
const CLOCK_TICKS_PER_SEC = 100;

/**
 * CPU seconds process `pid` has used so far, from `/proc/<pid>/stat` (utime + stime).
 * @returns `undefined` where `/proc` is not available (not Linux) or the process is gone
 */
export function processCpuSec(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SEC : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds this process has used so far. */
export function ownCpuSec(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU seconds of each part of the stack at one moment. */
export interface CpuSnapshot {
  readonly devhost?: number;
  readonly azurite?: number;
  /** This process: the emulator and the benchmark script. */
  readonly emulatorAndScript: number;
}

/** What each part spent between two snapshots (`undefined` when a part could not be read). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  const delta = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : b - a;
  return {
    ...(delta(before.devhost, after.devhost) === undefined
      ? {}
      : { devhost: delta(before.devhost, after.devhost) }),
    ...(delta(before.azurite, after.azurite) === undefined
      ? {}
      : { azurite: delta(before.azurite, after.azurite) }),
    emulatorAndScript: after.emulatorAndScript - before.emulatorAndScript,
  };
}

/** `devhost 1.2 s, Azurite 3.4 s, emulator + script 0.5 s`. */
export function describeCpu(cpu: CpuSnapshot): string {
  const sec = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(1)} s`);
  return `devhost ${sec(cpu.devhost)}, Azurite ${sec(cpu.azurite)}, emulator + script ${sec(cpu.emulatorAndScript)}`;
}
