/**
 * `envctl token`: gets a Microsoft Entra ID access token for the provisioner's API and prints it alone on
 * standard output, for `export ENVCTL_TOKEN=$(envctl token)`; every command that talks to the service
 * then sends it as a bearer token beside the function key (sign-in on, docs/auth.md). Which credential depends on the settings
 * (never arguments: a secret on the command line lands in the shell's history): a client secret, a
 * username and password (ROPC: test users, the emulator), a device code, or the Azure CLI's sign-in.
 * Against the local emulator `ENVCTL_AUTHORITY` names it and `ENVCTL_CA_CERT_PATH` its CA.
 */
import { readFile } from "node:fs/promises";
import {
  AzureCliCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  UsernamePasswordCredential,
  type TokenCredential,
} from "@azure/identity";
import { parseArgs } from "node:util";
import { EXIT } from "../exit-codes";
import type { CliIo } from "../io";
import { UsageError, type CliCommand } from "./command";

type Env = CliIo["env"];

const setting = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** The credential the settings call for, and what it is called for the messages. */
async function credentialOf(
  env: Env,
  deviceCode: boolean,
  io: CliIo,
): Promise<{ credential: TokenCredential; kind: string } | { refused: string }> {
  const tenantId = setting(env, "ENVCTL_TENANT_ID");
  const clientId = setting(env, "ENVCTL_CLIENT_ID");
  const authority = setting(env, "ENVCTL_AUTHORITY");
  const caPath = setting(env, "ENVCTL_CA_CERT_PATH");
  const options = {
    ...(authority ? { authorityHost: authority, disableInstanceDiscovery: true } : {}),
    ...(caPath ? { tlsOptions: { ca: await readFile(caPath, "utf8") } } : {}),
  };
  const secret = setting(env, "ENVCTL_CLIENT_SECRET");
  const username = setting(env, "ENVCTL_USERNAME");
  const password = env.ENVCTL_PASSWORD;
  const needsTenant = secret !== undefined || username !== undefined || deviceCode;
  if (needsTenant && (!tenantId || !clientId)) {
    return { refused: "ENVCTL_TENANT_ID and ENVCTL_CLIENT_ID must be set for this sign-in" };
  }
  if (secret && tenantId && clientId) {
    return {
      credential: new ClientSecretCredential(tenantId, clientId, secret, options),
      kind: "client secret",
    };
  }
  if (username && tenantId && clientId) {
    if (!password) return { refused: "ENVCTL_PASSWORD must be set with ENVCTL_USERNAME" };
    return {
      credential: new UsernamePasswordCredential(tenantId, clientId, username, password, options),
      kind: "username and password",
    };
  }
  if (deviceCode && tenantId && clientId) {
    return {
      credential: new DeviceCodeCredential({
        tenantId,
        clientId,
        ...options,
        // The prompt goes to standard error: standard output is the token alone.
        userPromptCallback: (info) => io.err(info.message),
      }),
      kind: "device code",
    };
  }
  return { credential: new AzureCliCredential(tenantId ? { tenantId } : {}), kind: "Azure CLI" };
}

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
    const scope = setting(io.env, "ENVCTL_API_SCOPE");
    if (!scope) {
      io.err("ENVCTL_API_SCOPE is not set: the API's scope, e.g. api://<API client id>/.default");
      return EXIT.refused;
    }
    const chosen = await credentialOf(io.env, values["device-code"] === true, io);
    if ("refused" in chosen) {
      io.err(chosen.refused);
      return EXIT.refused;
    }
    try {
      const token = await chosen.credential.getToken(scope);
      if (!token) throw new Error("no token was returned");
      io.out(token.token);
      return EXIT.ok;
    } catch (error) {
      // @azure/identity's messages name the error code and the endpoint, never a secret or a token.
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      io.err(`token (${chosen.kind}) failed: ${message}`);
      return EXIT.refused;
    }
  },
};
