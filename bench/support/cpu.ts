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
export function processCpuSec(pid: number | undefined, statPath = `/proc/${pid}/stat`): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(statPath, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SEC : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds the main thread of process `pid` has used so far (`/proc/<pid>/task/<pid>/stat`): the
 * JavaScript the process runs, against the rest (garbage collection and compilation helpers, I/O threads).
 */
export function mainThreadCpuSec(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : processCpuSec(pid, `/proc/${pid}/task/${pid}/stat`);
}

/** CPU seconds this process has used so far. */
export function ownCpuSec(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU seconds of each part of the stack at one moment. */
export interface CpuSnapshot {
  readonly devhost?: number;
  /** The devhost's main thread, part of `devhost`. */
  readonly devhostMainThread?: number;
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
    ...(delta(before.devhostMainThread, after.devhostMainThread) === undefined
      ? {}
      : { devhostMainThread: delta(before.devhostMainThread, after.devhostMainThread) }),
    ...(delta(before.azurite, after.azurite) === undefined
      ? {}
      : { azurite: delta(before.azurite, after.azurite) }),
    emulatorAndScript: after.emulatorAndScript - before.emulatorAndScript,
  };
}

/** `devhost 1.2 s, Azurite 3.4 s, emulator + script 0.5 s`. */
export function describeCpu(cpu: CpuSnapshot): string {
  const sec = (value: number | undefined) => (value === undefined ? "n/a" : `${value.toFixed(1)} s`);
  const mainThread =
    cpu.devhostMainThread === undefined ? "" : ` (main thread ${sec(cpu.devhostMainThread)})`;
  return `devhost ${sec(cpu.devhost)}${mainThread}, Azurite ${sec(cpu.azurite)}, emulator + script ${sec(cpu.emulatorAndScript)}`;
}
