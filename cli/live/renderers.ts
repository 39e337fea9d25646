/**
 * The three ways envctl shows an operation as it runs: a live view redrawn in place on a terminal (`tty`),
 * one line per change (`plain`: pipes, logs, CI) and one JSON event per change (`json`: NDJSON for
 * programs). All three read the same snapshots; what changed between two is {@link changesBetween}.
 */
import type { createLogUpdate as createLogUpdateType } from "log-update" with { "resolution-mode": "import" };
import type { CliIo } from "../io";
import type { ReportedError } from "../service/client";
import { ACTIVE_WORDS, FINISHED_WORDS, type NodeWord } from "./node-words";
import { describeCounts, wordCounts, type LiveNode, type Snapshot } from "./snapshot";
import { bar, clock, cut, paint, shortDuration, type Line, type Style } from "./text";

/** Where the output goes and how it looks. */
export type OutputMode = "tty" | "plain" | "json";

/** Draws an operation. */
export interface LiveRenderer {
  /** A new snapshot from the service. */
  update(snapshot: Snapshot): void;
  /** The last snapshot: the operation ended, or the user stopped watching (`interrupted`). */
  finish(snapshot: Snapshot, interrupted: boolean): void;
}

/** What changed between two snapshots. */
export interface Changes {
  /** Resources whose word changed (all non-waiting ones for the first snapshot). */
  readonly nodes: readonly LiveNode[];
  readonly failures: readonly ReportedError[];
  /** The finished count or the stage moved. */
  readonly progressed: boolean;
}

/** What changed from `before` (nothing seen yet: `undefined`) to `after`. */
export function changesBetween(before: Snapshot | undefined, after: Snapshot): Changes {
  const previous = new Map(before?.nodes.map((node) => [node.key, node.word]));
  return {
    nodes: after.nodes.filter((node) =>
      before === undefined ? node.word !== "waiting" : previous.get(node.key) !== node.word,
    ),
    failures: after.failures.slice(before?.failures.length ?? 0),
    progressed: before === undefined || before.finished !== after.finished || before.stage !== after.stage,
  };
}

/** How a finished operation is summed up in one line. */
export function outcomeLine(snapshot: Snapshot, interrupted: boolean): string {
  const what = `${snapshot.operation} of ${snapshot.environmentId}`;
  if (interrupted) {
    return `Stopped watching after ${shortDuration(snapshot.elapsedSec)}: the ${what} goes on in the service. Follow it again: envctl watch ${snapshot.environmentId}`;
  }
  const verb = snapshot.status === "succeeded" ? "succeeded in" : `${snapshot.status} after`;
  return `${what[0]!.toUpperCase()}${what.slice(1)} ${verb} ${shortDuration(snapshot.elapsedSec)}: ${describeCounts(snapshot)}`;
}

function failureText(failure: ReportedError): string {
  return `${failure.nodeKey ? `${failure.nodeKey}: ` : ""}${failure.code}: ${failure.message}`;
}

// ---- plain -------------------------------------------------------------------------------------------

function plainRenderer(io: CliIo): LiveRenderer {
  let last: Snapshot | undefined;
  let keyWidth = 0;
  const node = (snapshot: Snapshot, entry: LiveNode) => {
    const ran =
      entry.elapsedSec !== undefined && FINISHED_WORDS.has(entry.word)
        ? `  ${shortDuration(entry.elapsedSec)}`
        : "";
    io.out(
      `[${clock(snapshot.elapsedSec)}] ${entry.word.padEnd(11)} ${entry.key.padEnd(keyWidth)}  ${entry.stage}${ran}`,
    );
  };
  const emit = (snapshot: Snapshot) => {
    const changes = changesBetween(last, snapshot);
    if (last === undefined) {
      keyWidth = Math.max(0, ...snapshot.nodes.map((entry) => entry.key.length));
      const stages = snapshot.stages.map(
        (stage) => `${stage} ${snapshot.nodes.filter((n) => n.stage === stage).length}`,
      );
      io.out(
        `${snapshot.operation} of ${snapshot.environmentId}: ${snapshot.total} resources (${stages.join(", ")}), ${snapshot.status}`,
      );
    }
    changes.nodes.forEach((entry) => node(snapshot, entry));
    changes.failures.forEach((failure) =>
      io.out(`[${clock(snapshot.elapsedSec)}] error       ${failureText(failure)}`),
    );
    // The first report may come before the service has measured its clock's rate: no ETA from it.
    if (changes.progressed && last !== undefined && snapshot.status === "running") {
      io.out(
        `[${clock(snapshot.elapsedSec)}] progress    ${snapshot.finished}/${snapshot.total} finished${snapshot.stage ? `, stage ${snapshot.stage}` : ""}, ETA ~${shortDuration(snapshot.etaSec)}`,
      );
    }
    last = snapshot;
  };
  return {
    update: emit,
    finish(snapshot, interrupted) {
      emit(snapshot);
      io.out(outcomeLine(snapshot, interrupted));
    },
  };
}

// ---- json --------------------------------------------------------------------------------------------

function jsonRenderer(io: CliIo): LiveRenderer {
  let last: Snapshot | undefined;
  const event = (body: Record<string, unknown>) =>
    io.out(JSON.stringify({ ...body, at: new Date().toISOString() }));
  const emit = (snapshot: Snapshot) => {
    const changes = changesBetween(last, snapshot);
    if (last === undefined) {
      event({
        event: "start",
        environmentId: snapshot.environmentId,
        operation: snapshot.operation,
        status: snapshot.status,
        total: snapshot.total,
        nodes: snapshot.nodes.map((entry) => ({ key: entry.key, stage: entry.stage, state: entry.word })),
      });
    } else {
      for (const entry of changes.nodes) {
        event({
          event: "node",
          key: entry.key,
          stage: entry.stage,
          state: entry.word,
          ...(entry.elapsedSec === undefined ? {} : { elapsedSec: entry.elapsedSec }),
        });
      }
    }
    for (const failure of changes.failures) event({ event: "failure", ...failure });
    if (changes.progressed) {
      event({
        event: "progress",
        finished: snapshot.finished,
        total: snapshot.total,
        elapsedSec: snapshot.elapsedSec,
        etaSec: snapshot.etaSec,
        ...(snapshot.stage ? { stage: snapshot.stage } : {}),
      });
    }
    last = snapshot;
  };
  return {
    update: emit,
    finish(snapshot, interrupted) {
      emit(snapshot);
      event({
        event: interrupted ? "interrupted" : "end",
        environmentId: snapshot.environmentId,
        operation: snapshot.operation,
        status: snapshot.status,
        elapsedSec: snapshot.elapsedSec,
        counts: Object.fromEntries(wordCounts(snapshot)),
        failures: snapshot.failures,
        ...(snapshot.leftInAzure.length > 0 ? { leftInAzure: snapshot.leftInAzure } : {}),
      });
    },
  };
}

// ---- tty ---------------------------------------------------------------------------------------------

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** Milliseconds between two redraws of the live view (the spinner and the running clocks move). */
export const TTY_REDRAW_MS = 150;
const BAR_CELLS = 30;

const ICON: Record<NodeWord, string> = {
  waiting: "·",
  creating: "",
  updating: "",
  checking: "",
  deleting: "",
  "needs input": "?",
  done: "✓",
  deleted: "✓",
  unchanged: "=",
  failed: "✗",
  skipped: "-",
  unknown: " ",
};

const STYLE: Record<NodeWord, Style> = {
  waiting: "dim",
  creating: "cyan",
  updating: "cyan",
  checking: "cyan",
  deleting: "cyan",
  "needs input": "magenta",
  done: "green",
  deleted: "green",
  unchanged: "green",
  failed: "red",
  skipped: "yellow",
  unknown: "dim",
};

/** What a frame needs besides the snapshot. */
export interface FrameOptions {
  readonly columns: number;
  /** Lines the frame may take; it is compacted to fit. `Infinity`: everything (the last frame). */
  readonly rows: number;
  /** Seconds since the snapshot was read: running clocks go on between two polls. */
  readonly sinceSnapshotSec: number;
  readonly spinner: number;
  /** The last line (a hint, or the outcome). */
  readonly footer: string;
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

/**
 * The live view's lines: a header with the status, the bar with counts and ETA, one line per resource
 * grouped by stage, the failures, and the footer. When it is taller than `rows`, stages that are all
 * finished shrink to their heading, then waiting resources to a count per stage, then finished ones.
 */
export function frameLines(snapshot: Snapshot, options: FrameOptions): string[] {
  const keyWidth = Math.max(0, ...snapshot.nodes.map((entry) => entry.key.length));
  const running = snapshot.status === "running";
  const elapsed = snapshot.elapsedSec + (running ? options.sinceSnapshotSec : 0);
  const eta = Math.max(0, snapshot.etaSec - options.sinceSnapshotSec);
  const head: Line[] = [
    [
      [`${snapshot.operation} ${snapshot.environmentId}`, "bold"],
      [" · "],
      [snapshot.status, snapshot.status === "succeeded" ? "green" : running ? "cyan" : "red"],
      ...(running && snapshot.stage ? ([[` · stage ${snapshot.stage}`]] as Line) : []),
    ],
    [
      [
        bar(snapshot.total > 0 ? snapshot.finished / snapshot.total : 0, BAR_CELLS),
        running ? "cyan" : "green",
      ],
      [` ${snapshot.finished}/${snapshot.total}  elapsed ${shortDuration(elapsed)}`],
      ...(running ? ([[`  ETA ~${shortDuration(eta)}`, "bold"]] as Line) : []),
    ],
  ];
  const nodeLine = (entry: LiveNode): Line => {
    const active = ACTIVE_WORDS.has(entry.word);
    const ran =
      entry.elapsedSec === undefined
        ? undefined
        : entry.elapsedSec + (active && running ? options.sinceSnapshotSec : 0);
    const icon = active ? SPINNER[options.spinner % SPINNER.length]! : ICON[entry.word];
    return [
      ["  "],
      [icon, STYLE[entry.word]],
      [` ${entry.key.padEnd(keyWidth)}  `],
      [entry.word.padEnd(11), STYLE[entry.word]],
      // A space after the state, whose longest word ("needs input") fills its column.
      ...(ran === undefined ? [] : ([[` ${shortDuration(ran)}`, "dim"]] as Line)),
    ];
  };
  const failures: Line[] =
    snapshot.failures.length === 0
      ? []
      : [
          [["Failures", "red"]],
          ...snapshot.failures.map((failure): Line => [["  ✗ ", "red"], [failureText(failure)]]),
        ];
  const foot: Line[] = [[[options.footer, "dim"]]];

  // Compaction levels: 0 everything, 1 finished stages folded, 2 waiting counted, 3 finished counted.
  const finishedWell = (entry: LiveNode) => ["done", "deleted", "unchanged"].includes(entry.word);
  const body = (level: number): Line[] =>
    snapshot.stages.flatMap((stage) => {
      const members = snapshot.nodes.filter((entry) => entry.stage === stage);
      const finished = members.filter((entry) => FINISHED_WORDS.has(entry.word)).length;
      const allWell = members.every(finishedWell);
      const heading: Line = [
        [stage, "bold"],
        [`  ${finished}/${members.length}${allWell ? " ✓" : ""}`, "dim"],
      ];
      if (level >= 1 && allWell) return [heading];
      const foldWaiting = level >= 2;
      const foldFinished = level >= 3;
      const shown = members.filter(
        (entry) => !(foldWaiting && entry.word === "waiting") && !(foldFinished && finishedWell(entry)),
      );
      const waitingCount = foldWaiting ? members.filter((entry) => entry.word === "waiting").length : 0;
      const finishedCount = foldFinished ? members.filter(finishedWell).length : 0;
      return [
        heading,
        ...(finishedCount > 0
          ? [
              [
                ["  ✓ ", "green"],
                [`${finishedCount} finished`, "dim"],
              ] as Line,
            ]
          : []),
        ...shown.map(nodeLine),
        ...(waitingCount > 0
          ? [
              [
                ["  · ", "dim"],
                [`${waitingCount} waiting`, "dim"],
              ] as Line,
            ]
          : []),
      ];
    });
  let lines: Line[] = [];
  for (let level = 0; level <= 3; level++) {
    lines = [...head, ...body(level), ...failures, ...foot];
    if (lines.length <= options.rows) break;
  }
  if (lines.length > options.rows) {
    const room = Math.max(0, options.rows - head.length - foot.length - 1);
    const middle = [...body(3), ...failures];
    lines = [...head, ...middle.slice(0, room), [[`  … ${middle.length - room} more lines`, "dim"]], ...foot];
  }
  return lines.map((line) => paint(cut(line, options.columns - 1), options.color === true));
}

/** log-update's `createLogUpdate` (an ES module, loaded when a live view starts). */
type CreateLogUpdate = typeof createLogUpdateType;

/**
 * The live view: log-update redraws the frame in place (erasing the previous one, hiding the cursor);
 * what the frame holds — stages, folding to fit the terminal, colours — is `frameLines`'. The last frame
 * is written in full below the live one's place, so a long result scrolls rather than being cut.
 */
function ttyRenderer(
  io: CliIo,
  terminal: NonNullable<CliIo["terminal"]>,
  createLogUpdate: CreateLogUpdate,
): LiveRenderer {
  const color = !("NO_COLOR" in io.env) || io.env.NO_COLOR === "";
  // log-update writes to a stream: this one is envctl's output, sized as the terminal is now.
  const screen = {
    // A terminal: log-update wraps each frame in synchronized output, so a redraw never flickers.
    isTTY: true,
    write: (text: string) => {
      io.write(text);
      return true;
    },
    get columns() {
      return terminal.columns();
    },
    get rows() {
      return terminal.rows();
    },
  } as unknown as NodeJS.WriteStream;
  const live = createLogUpdate(screen);
  let snapshot: Snapshot | undefined;
  let readAtMs = 0;
  let spinner = 0;
  let timer: NodeJS.Timeout | undefined;
  const frame = (rows: number, footer: string) =>
    snapshot
      ? frameLines(snapshot, {
          columns: terminal.columns(),
          rows,
          sinceSnapshotSec: (Date.now() - readAtMs) / 1000,
          spinner,
          footer,
          color,
        })
      : [];
  const hint = () =>
    `Ctrl-C stops watching; the ${snapshot?.operation ?? "operation"} goes on in the service.`;
  const draw = () => live(frame(terminal.rows() - 1, hint()).join("\n"));
  return {
    update(next) {
      snapshot = next;
      readAtMs = Date.now();
      draw();
      timer ??= setInterval(() => {
        spinner += 1;
        draw();
      }, TTY_REDRAW_MS);
    },
    finish(last, interrupted) {
      if (timer) clearInterval(timer);
      snapshot = last;
      readAtMs = Date.now();
      live.clear();
      io.write(`${frame(Infinity, outcomeLine(last, interrupted)).join("\n")}\n`);
      live.done();
    },
  };
}

/** The renderer for `mode` on `io`. */
export async function createRenderer(mode: OutputMode, io: CliIo): Promise<LiveRenderer> {
  if (mode === "json") return jsonRenderer(io);
  if (mode === "tty" && io.terminal) {
    // log-update ships only as an ES module; this CommonJS build loads it when a live view starts.
    const { createLogUpdate } = await import("log-update");
    return ttyRenderer(io, io.terminal, createLogUpdate);
  }
  return plainRenderer(io);
}

/** `--output`'s default: the live view on a terminal, plain lines elsewhere. */
export function defaultOutputMode(io: CliIo): OutputMode {
  return io.terminal ? "tty" : "plain";
}
