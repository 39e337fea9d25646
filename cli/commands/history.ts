/**
 * `envctl history ID`: who asked for which apply, destroy and cancel of an environment, when, from where,
 * with which plan, and how each ended — the API's audit (`GET /api/environments/{id}/history`), newest
 * first. It talks to the service as every other command does (envctl login, ENVCTL_URL/ENVCTL_KEY, and
 * with sign-in on ENVCTL_TOKEN): never a token on the command line, where the shell's history keeps it.
 */
import { EXIT } from "../exit-codes";
import type { HistoryEntry } from "../service/client";
import { CONNECTION_HELP, CONNECTION_OPTIONS } from "../service/connection";
import { UsageError, type CliCommand } from "./command";
import { clientFor, onePositional, parseCommand, printCommandHelp, refused } from "./service-command";

/** Entries shown when `--top` is not given. */
export const DEFAULT_HISTORY_ENTRIES = 20;
/** Largest page the API serves. */
const MAX_PAGE = 200;

/** Who an entry names, for a person reading it. */
function whoOf(entry: HistoryEntry): string {
  const principal = entry.principal;
  switch (principal.kind) {
    case "functionKey":
      return "function key (sign-in off)";
    case "queue":
      return `queue message ${principal.queueMessageId ?? "?"}`;
    case "provisioner":
      return "provisioner";
    default: {
      // Application tokens carry no name: the client application's id stands for it.
      const label =
        principal.name ?? principal.username ?? (principal.appId ? `app ${principal.appId}` : undefined);
      return label ? `${label} (${principal.objectId ?? "?"})` : (principal.objectId ?? principal.kind);
    }
  }
}

const whatOf = (entry: HistoryEntry) =>
  entry.event === "operationEnded" ? `${entry.action} ended` : entry.action;
const outcomeOf = (entry: HistoryEntry) =>
  entry.status === undefined ? entry.outcome : `${entry.outcome} ${entry.status}`;

/** One entry as a line, its columns as wide as the widest of the page (`widths`). */
function lineOf(entry: HistoryEntry, widths: { what: number; outcome: number }): string {
  return [
    entry.at,
    whatOf(entry).padEnd(widths.what),
    outcomeOf(entry).padEnd(widths.outcome),
    whoOf(entry),
    entry.client?.ip ? `from ${entry.client.ip}` : "",
    entry.planHash ? `plan ${entry.planHash.slice(0, 12)}` : "",
    entry.detail ? `— ${entry.detail}` : "",
  ]
    .filter((part) => part !== "")
    .join("  ");
}

export const historyCommand: CliCommand = {
  name: "history",
  summary: "show who applied, destroyed or canceled an environment, when, from where, its plan and outcome",
  usage: "envctl history ID [--top N] [--json]",
  details: [
    "  ID         the environment id, <org_name>-<name>",
    `  --top N    the newest N entries (default ${DEFAULT_HISTORY_ENTRIES})`,
    "  --json     print the entries as the API answers them",
    ...CONNECTION_HELP,
    "  ENVCTL_TOKEN  with sign-in on: a Microsoft Entra ID access token for the API (envctl token)",
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, {
      ...CONNECTION_OPTIONS,
      top: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) return printCommandHelp(io, this);
    const id = onePositional(positionals, "environment id");
    const top = values.top === undefined ? DEFAULT_HISTORY_ENTRIES : Number(values.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError("--top must be a whole number from 1");
    const client = await clientFor(io, values);
    const entries: HistoryEntry[] = [];
    let continuation: string | undefined;
    do {
      const page = await client.history(id, Math.min(MAX_PAGE, top - entries.length), continuation);
      // The API's problem documents never echo the token.
      if (!page.ok) return refused(io, page.problem);
      entries.push(...page.body.entries);
      continuation = page.body.continuation;
    } while (continuation && entries.length < top);
    if (values.json === true) {
      io.out(JSON.stringify({ environmentId: id, entries }, null, 2));
      return EXIT.ok;
    }
    if (entries.length === 0) io.out(`${id}: no entries`);
    const widths = {
      what: Math.max(...entries.map((entry) => whatOf(entry).length)),
      outcome: Math.max(...entries.map((entry) => outcomeOf(entry).length)),
    };
    entries.forEach((entry) => io.out(lineOf(entry, widths)));
    return EXIT.ok;
  },
};
