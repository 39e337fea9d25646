/** `envctl status ID`: the environment now — its last operation, every resource's state, failures, outputs. */
import { EXIT } from "../exit-codes";
import { frameLines, outcomeLine } from "../live/renderers";
import { snapshotOf, wordContextOf } from "../live/snapshot";
import { CONNECTION_HELP, CONNECTION_OPTIONS } from "../service/connection";
import type { CliCommand } from "./command";
import { clientFor, onePositional, parseCommand, printCommandHelp, refused } from "./service-command";

/**
 * Outputs as `path: value` lines: endpoints and secret names (the service never returns a secret value).
 * A list of plain values is one line; a list of objects (DNS records) one group of lines per element,
 * at `path[i]`.
 */
export function outputLines(outputs: unknown, prefix = ""): string[] {
  if (Array.isArray(outputs)) {
    return outputs.some((item) => item !== null && typeof item === "object")
      ? outputs.flatMap((item, index) => outputLines(item, `${prefix}[${index}]`))
      : [`${prefix}: ${outputs.join(", ")}`];
  }
  if (outputs === null || typeof outputs !== "object") return [`${prefix}: ${String(outputs)}`];
  return Object.entries(outputs).flatMap(([name, value]) =>
    outputLines(value, prefix ? `${prefix}.${name}` : name),
  );
}

export const statusCommand: CliCommand = {
  name: "status",
  summary: "show an environment: its last operation, each resource's state, failures and outputs",
  usage: "envctl status ID [--json]",
  details: [
    "  ID      the environment id, <org_name>-<name>",
    "  --json  print the API's answer as it is",
    ...CONNECTION_HELP,
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, { ...CONNECTION_OPTIONS, json: { type: "boolean" } });
    if (values.help) return printCommandHelp(io, this);
    const id = onePositional(positionals, "environment ID");
    const client = await clientFor(io, values);
    const answer = await client.get(id);
    if (!answer.ok) return refused(io, answer.problem);
    const view = answer.body;
    if (values.json) {
      io.out(JSON.stringify(view, null, 2));
      return EXIT.ok;
    }
    const graph = await client.graph(id);
    const snapshot = snapshotOf(view, graph.ok ? graph.body : undefined, wordContextOf(view));
    const running = view.lastOperation?.status === "running";
    const footer = running ? `Running: follow it with envctl watch ${id}` : outcomeLine(snapshot, false);
    frameLines(snapshot, {
      columns: io.terminal?.columns() ?? 200,
      rows: Infinity,
      sinceSnapshotSec: 0,
      spinner: 0,
      footer,
    }).forEach((line) => io.out(line));
    if (view.outputs) {
      io.out("Outputs");
      outputLines(view.outputs).forEach((line) => io.out(`  ${line}`));
    }
    return EXIT.ok;
  },
};
