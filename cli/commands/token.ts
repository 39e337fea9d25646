/**
 * `envctl token`: gets a Microsoft Entra ID access token for the provisioner's API and prints it alone on
 * standard output (`export ENVCTL_TOKEN=$(envctl token)`), for other tools; envctl's own commands get
 * one themselves from the same settings (`cli/service/entra-token.ts`).
 */
import { parseArgs } from "node:util";
import { EXIT } from "../exit-codes";
import { apiTokenOf, isSignInError } from "../service/entra-token";
import { UsageError, type CliCommand } from "./command";

export const tokenCommand: CliCommand = {
  name: "token",
  summary:
    "print a Microsoft Entra ID access token for the provisioner's API (export ENVCTL_TOKEN=$(envctl token))",
  usage: "envctl token [--device-code]",
  details: [
    "  --device-code   sign in a person with a device code (prompt on stderr); needs ENVCTL_TENANT_ID, ENVCTL_CLIENT_ID",
    "  Settings: ENVCTL_API_SCOPE (required: api://<API client id>/.default, or a delegated scope), ENVCTL_TENANT_ID,",
    "  ENVCTL_CLIENT_ID with ENVCTL_CLIENT_SECRET (an application) or ENVCTL_USERNAME and ENVCTL_PASSWORD (a test",
    "  user, ROPC); without them the Azure CLI's sign-in (az login). ENVCTL_AUTHORITY and ENVCTL_CA_CERT_PATH point",
    "  at another authority (the local emulator) and its CA. The token alone goes to stdout; nothing else prints it.",
  ],
  async run(args, io) {
    let values;
    try {
      values = parseArgs({
        args: [...args],
        strict: true,
        options: { "device-code": { type: "boolean" }, help: { type: "boolean", short: "h" } },
      }).values;
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (values.help) {
      [`usage: ${this.usage}`, ...this.details].forEach((line) => io.out(line));
      return EXIT.ok;
    }
    if (!io.env.ENVCTL_API_SCOPE?.trim()) {
      io.err("ENVCTL_API_SCOPE is not set: the API's scope, e.g. api://<API client id>/.default");
      return EXIT.refused;
    }
    try {
      const token = await apiTokenOf(
        { ...io, env: { ...io.env, ENVCTL_TOKEN: undefined } },
        values["device-code"] === true,
      );
      io.out(token ?? "");
      return EXIT.ok;
    } catch (error) {
      if (!isSignInError(error)) throw error;
      io.err(error.message);
      return EXIT.refused;
    }
  },
};
