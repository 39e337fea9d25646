/**
 * `envctl history ID`: who asked for which apply, destroy and cancel of an environment, when, from where,
 * with which plan, and how each ended — the API's audit (`GET /api/environments/{id}/history`), newest
 * first. It talks to a running provisioner: the API's URL, its function key and, with sign-in on, a
 * Microsoft Entra ID access token for the API come from settings, never from arguments (a token in the
 * command line would land in the shell's history).
 */
import { parseArgs } from "node:util";
import { EXIT } from "../exit-codes";
import { UsageError, type CliCommand } from "./command";

/** Entries shown when `--top` is not given. */
export const DEFAULT_HISTORY_ENTRIES = 20;
/** Largest page the API serves. */
const MAX_PAGE = 200;

interface HistoryArguments {
  readonly id?: string;
  readonly top: number;
  readonly json: boolean;
  readonly help: boolean;
}

/** One entry as the API answers it (only what is shown). */
interface HistoryEntry {
  readonly at: string;
  readonly event: string;
  readonly action: string;
  readonly outcome: string;
  readonly status?: number;
  readonly planHash?: string;
  readonly principal: {
    readonly kind: string;
    readonly objectId?: string;
    readonly name?: string;
    readonly username?: string;
    readonly appId?: string;
    readonly queueMessageId?: string;
  };
  readonly client?: { readonly ip?: string };
  readonly detail?: string;
}

interface HistoryPage {
  readonly entries: readonly HistoryEntry[];
  readonly continuation?: string;
}

function parseHistoryArguments(args: readonly string[]): HistoryArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        top: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError("give one environment id");
  const top = values.top === undefined ? DEFAULT_HISTORY_ENTRIES : Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new UsageError("--top must be a whole number from 1");
  return {
    ...(positionals[0] ? { id: positionals[0] } : {}),
    top,
    json: values.json === true,
    help: values.help === true,
  };
}

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

function lineOf(entry: HistoryEntry): string {
  const outcome = entry.status === undefined ? entry.outcome : `${entry.outcome} ${entry.status}`;
  const what = entry.event === "operationEnded" ? `${entry.action} ended` : entry.action;
  return [
    entry.at,
    what.padEnd(13),
    outcome.padEnd(13),
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
    `  ID         the environment id, <org_name>-<name>`,
    `  --top N    the newest N entries (default ${DEFAULT_HISTORY_ENTRIES})`,
    "  --json     print the entries as the API answers them",
    "  Settings: ENVCTL_API_URL (the API, e.g. http://127.0.0.1:7071/api), ENVCTL_FUNCTION_KEY (its function",
    "  key) and, with sign-in on, ENVCTL_TOKEN (a Microsoft Entra ID access token for the API, e.g.",
    "  az account get-access-token --scope api://<API client id>/.default --query accessToken -o tsv).",
  ],
  async run(args, io) {
    const { id, top, json, help } = parseHistoryArguments(args);
    if (help) {
      [`usage: ${this.usage}`, ...this.details].forEach((line) => io.out(line));
      return EXIT.ok;
    }
    if (!id) throw new UsageError("give the environment id");
    const api = io.env.ENVCTL_API_URL?.trim().replace(/\/+$/, "");
    if (!api) {
      io.err("ENVCTL_API_URL is not set: the provisioner's API, e.g. http://127.0.0.1:7071/api");
      return EXIT.refused;
    }
    const headers: Record<string, string> = { accept: "application/json" };
    const key = io.env.ENVCTL_FUNCTION_KEY?.trim();
    if (key) headers["x-functions-key"] = key;
    const token = io.env.ENVCTL_TOKEN?.trim();
    if (token) headers.authorization = `Bearer ${token}`;

    const entries: HistoryEntry[] = [];
    let continuation: string | undefined;
    do {
      const url = new URL(`${api}/environments/${encodeURIComponent(id)}/history`);
      url.searchParams.set("top", String(Math.min(MAX_PAGE, top - entries.length)));
      if (continuation) url.searchParams.set("continuation", continuation);
      let response: Response;
      try {
        response = await fetch(url, { headers });
      } catch (error) {
        io.err(`cannot reach ${api}: ${error instanceof Error ? error.message : String(error)}`);
        return EXIT.internalError;
      }
      if (response.status !== 200) {
        // The API's problem documents never echo the token; show their title and detail.
        const problem = (await response.json().catch(() => ({}))) as { title?: unknown; detail?: unknown };
        const words = [problem.title, problem.detail].filter((part) => typeof part === "string").join(": ");
        io.err(`history of ${id}: ${response.status}${words ? ` ${words}` : ""}`);
        return response.status >= 500 ? EXIT.internalError : EXIT.refused;
      }
      const page = (await response.json()) as HistoryPage;
      entries.push(...page.entries);
      continuation = page.continuation;
    } while (continuation && entries.length < top);

    if (json) {
      io.out(JSON.stringify({ environmentId: id, entries }, null, 2));
      return EXIT.ok;
    }
    if (entries.length === 0) io.out(`${id}: no entries`);
    entries.forEach((entry) => io.out(lineOf(entry)));
    return EXIT.ok;
  },
};
