/**
 * Where the service is and its key: from `--url`/`--key`, else `ENVCTL_URL`/`ENVCTL_KEY`, else the profile
 * `envctl login` wrote (`$XDG_CONFIG_HOME/envctl/profile.json`, by default `~/.config/envctl/profile.json`,
 * mode 0600). Each of URL and key is taken from the first source that has it. With sign-in on, the
 * connection also carries an Entra ID token for the API (`ENVCTL_TOKEN`, or got from the `ENVCTL_*`
 * settings: `cli/service/entra-token.ts`); tokens expire, so one is got per run and never saved.
 */
import { join } from "node:path";
import type { CliIo } from "../io";
import { UsageError } from "../commands/command";
import { apiTokenOf, isSignInError } from "./entra-token";

/** The service envctl talks to. */
export interface Connection {
  /** The app's origin (and path, if it is served below one), without `/api`: `http://127.0.0.1:7071`. */
  readonly url: string;
  /** The function key, sent as `x-functions-key`. Never printed. */
  readonly key: string;
  /**
   * A Microsoft Entra ID access token for the API (`ENVCTL_TOKEN`, or got for `ENVCTL_API_SCOPE`), sent as
   * a bearer token. Never printed, never saved in the profile.
   */
  readonly token?: string;
}

/** What `envctl login` keeps. */
export interface Profile {
  readonly url: string;
  readonly key: string;
}

/** `--url` and `--key` as parsed. */
export interface ConnectionFlags {
  readonly url?: string | undefined;
  readonly key?: string | undefined;
}

/** The options every service command takes, for `parseArgs`. */
export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  key: { type: "string" },
} as const;

/** Help lines for {@link CONNECTION_OPTIONS}. */
export const CONNECTION_HELP: readonly string[] = [
  "  --url URL    the service (default: ENVCTL_URL, else the profile `envctl login` saved)",
  "  --key KEY    its function key (default: ENVCTL_KEY, else the profile); prefer those: a flag stays in shell history",
];

/** The profile file's path under the user's configuration folder. */
export function profilePath(env: CliIo["env"]): string {
  const base =
    env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || env.USERPROFILE?.trim() || ".", ".config");
  return join(base, "envctl", "profile.json");
}

/**
 * The service's URL as envctl keeps it: `http(s)://host[:port][/path]` without a trailing `/` or `/api`
 * (users paste the API URL `npm start` prints as often as the app's).
 * @throws UsageError for anything else
 */
export function normalizeServiceUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`"${text}" is not a URL such as http://127.0.0.1:7071`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`"${text}" is not an http or https URL`);
  if (url.search || url.hash || url.username || url.password)
    throw new UsageError(
      `the service URL takes no query, fragment or credentials: ${url.origin}${url.pathname}`,
    );
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api$/, "");
  return `${url.origin}${path}`;
}

async function readProfile(io: CliIo): Promise<Partial<Profile>> {
  try {
    const parsed = JSON.parse(await io.readTextFile(profilePath(io.env))) as Partial<Profile>;
    return {
      ...(typeof parsed.url === "string" ? { url: parsed.url } : {}),
      ...(typeof parsed.key === "string" ? { key: parsed.key } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * The connection from flags, environment and profile; `undefined` when no URL is configured anywhere.
 * @throws UsageError when a URL is configured but no key, or the URL is malformed
 */
export async function resolveConnection(io: CliIo, flags: ConnectionFlags): Promise<Connection | undefined> {
  const profile = await readProfile(io);
  const url = flags.url ?? (io.env.ENVCTL_URL?.trim() || undefined) ?? profile.url;
  const key = flags.key ?? (io.env.ENVCTL_KEY?.trim() || undefined) ?? profile.key;
  if (url === undefined) return undefined;
  if (!key) throw new UsageError(`no key for ${url}: set ENVCTL_KEY, or run envctl login ${url}`);
  const token = await signedIn(io);
  return { url: normalizeServiceUrl(url), key, ...(token ? { token } : {}) };
}

/** The API token the settings call for (none with sign-in off). @throws UsageError when sign-in fails */
export async function signedIn(io: CliIo): Promise<string | undefined> {
  try {
    return await apiTokenOf(io);
  } catch (error) {
    if (isSignInError(error)) throw new UsageError(error.message);
    throw error;
  }
}

/** As {@link resolveConnection}, for commands that need the service. @throws UsageError without one */
export async function requireConnection(io: CliIo, flags: ConnectionFlags): Promise<Connection> {
  const connection = await resolveConnection(io, flags);
  if (!connection)
    throw new UsageError("no service configured: run envctl login URL, or set ENVCTL_URL and ENVCTL_KEY");
  return connection;
}
