/**
 * Terminal text: styled segments measured and cut by what is visible, so a line never wraps (a wrapped
 * line would break the live view's redraw), and colour only when wanted (`NO_COLOR`, not a terminal).
 */

/** ANSI SGR styles the live view uses. */
const STYLES = {
  plain: "",
  bold: "1",
  dim: "2",
  red: "31",
  green: "32",
  yellow: "33",
  blue: "34",
  cyan: "36",
  magenta: "35",
} as const;

/** A style's name. */
export type Style = keyof typeof STYLES;

/** A run of text in one style. */
export type Segment = readonly [text: string, style?: Style];

/** One line of segments. */
export type Line = readonly Segment[];

/** Visible characters of a line. */
export const visibleLength = (line: Line): number => line.reduce((sum, [text]) => sum + [...text].length, 0);

/** The line cut to at most `columns` visible characters, the last one an ellipsis when cut. */
export function cut(line: Line, columns: number): Line {
  if (visibleLength(line) <= columns) return line;
  const kept: Segment[] = [];
  let room = Math.max(0, columns - 1);
  for (const [text, style] of line) {
    if (room <= 0) break;
    const chars = [...text];
    kept.push([chars.slice(0, room).join(""), style]);
    room -= Math.min(room, chars.length);
  }
  kept.push(["…"]);
  return kept;
}

/** The line as terminal text, coloured when `color`. */
export function paint(line: Line, color: boolean): string {
  return line
    .map(([text, style]) =>
      color && style && style !== "plain" ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text,
    )
    .join("");
}

/** `75` ⇒ `1m 15s`; tenths below ten seconds (a local build's steps take a second or two). */
export function shortDuration(sec: number): string {
  if (sec < 10) return `${Math.max(0, Math.round(sec * 10) / 10)}s`;
  const whole = Math.round(sec);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  if (hours > 0) return `${hours}h ${minutes}m`;
  return minutes > 0 ? `${minutes}m ${whole % 60}s` : `${whole}s`;
}

/** `75` ⇒ `1:15`, `3700` ⇒ `1:01:40`: a clock for line prefixes. */
export function clock(sec: number): string {
  const whole = Math.max(0, Math.floor(sec));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const seconds = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** A bar of `width` cells, `fraction` of them full. */
export function bar(fraction: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${"█".repeat(full)}${"░".repeat(width - full)}`;
}
