/**
 * `envctl login URL`: saves the service's URL and key in the profile (mode 0600) after checking the key
 * works — signed in with Microsoft Entra ID when the `ENVCTL_*` sign-in settings are set, as every later
 * command will be. The key is read from standard input (`--key-stdin`) or asked for without echo; it is
 * never a command-line argument (shell history) and never printed. The token is never saved (it expires).
 */
import { EXIT } from "../exit-codes";
import { serviceClient } from "../service/client";
import { normalizeServiceUrl, profilePath, signedIn } from "../service/connection";
import { UsageError, type CliCommand } from "./command";
import { onePositional, parseCommand, printCommandHelp, refused } from "./service-command";

export const loginCommand: CliCommand = {
  name: "login",
  summary: "save the service's URL and key (checked first) in your profile, for the commands below",
  usage: "envctl login URL [--key-stdin]",
  details: [
    "  URL          the service, e.g. http://127.0.0.1:7071 (npm start prints this command for the local stack)",
    "  --key-stdin  read the function key from standard input (else envctl asks for it, without echo)",
    "The profile is $XDG_CONFIG_HOME/envctl/profile.json (default ~/.config/envctl/profile.json), mode 0600.",
    "ENVCTL_URL and ENVCTL_KEY, or --url and --key, override it.",
    "With sign-in on, set ENVCTL_API_SCOPE and the credential's ENVCTL_* settings (see envctl token --help), or",
    "ENVCTL_TOKEN: login checks them too, and every command gets a fresh token from them.",
  ],
  async run(args, io) {
    const { values, positionals } = parseCommand(args, { "key-stdin": { type: "boolean" } });
    if (values.help) return printCommandHelp(io, this);
    const url = normalizeServiceUrl(onePositional(positionals, "service URL"));
    const typed = values["key-stdin"]
      ? await io.readStdin()
      : await io.ask(`Function key for ${url}: `, { hidden: true });
    if (typed === undefined)
      throw new UsageError("no terminal to ask for the key: pipe it in with --key-stdin");
    const key = typed.trim();
    if (key === "") throw new UsageError("the key is empty");
    const token = await signedIn(io);
    const answer = await serviceClient({ url, key, ...(token ? { token } : {}) }, io.fetch).list();
    if (!answer.ok) {
      io.err(`${url} refused the ${token ? "key or the token" : "key"}; nothing saved`);
      return refused(io, answer.problem);
    }
    const path = profilePath(io.env);
    await io.writePrivateFile(path, `${JSON.stringify({ url, key }, null, 2)}\n`);
    const count = answer.body.environments.length;
    io.out(
      `Logged in to ${url}${token ? ", signed in with Entra ID" : ""} (${count} environment${count === 1 ? "" : "s"}); profile saved in ${path}`,
    );
    return EXIT.ok;
  },
};
