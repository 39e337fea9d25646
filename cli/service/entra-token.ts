/**
 * Microsoft Entra ID sign-in for envctl: the access token for the provisioner's API that every command
 * sends when the service has sign-in on. Which credential depends on the settings, never arguments (a
 * secret on the command line lands in the shell's history): a client secret, a username and password
 * (ROPC: test users, the emulator), a device code, or the Azure CLI's sign-in. Against the local emulator
 * `ENVCTL_AUTHORITY` names it and `ENVCTL_CA_CERT_PATH` its CA. `ENVCTL_TOKEN` (a token got elsewhere)
 * wins over all of them; without it or `ENVCTL_API_SCOPE` no sign-in happens (function keys alone).
 */
import { readFile } from "node:fs/promises";
import {
  AzureCliCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  UsernamePasswordCredential,
  type TokenCredential,
} from "@azure/identity";
import type { CliIo } from "../io";

type Env = CliIo["env"];

const setting = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/** The credential the settings call for, and what it is called for the messages. */
export async function credentialOf(
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

/** Why sign-in could not give a token, in words (never a secret). */
export class SignInError extends Error {
  readonly isSignInError = true as const;
  override readonly name = "SignInError";
}

/** Whether `error` is a {@link SignInError}. */
export function isSignInError(error: unknown): error is SignInError {
  return (error as { isSignInError?: unknown } | null)?.isSignInError === true;
}

/**
 * The API token the settings call for: `ENVCTL_TOKEN` as it is, else one got with the credential the
 * `ENVCTL_*` settings name for `ENVCTL_API_SCOPE`; undefined when neither is set (sign-in off).
 * @throws SignInError when the settings are incomplete or the authority refuses
 */
export async function apiTokenOf(io: CliIo, deviceCode = false): Promise<string | undefined> {
  const given = setting(io.env, "ENVCTL_TOKEN");
  if (given) return given;
  const scope = setting(io.env, "ENVCTL_API_SCOPE");
  if (!scope) return undefined;
  const chosen = await credentialOf(io.env, deviceCode, io);
  if ("refused" in chosen) throw new SignInError(chosen.refused);
  try {
    const token = await chosen.credential.getToken(scope);
    if (!token) throw new Error("no token was returned");
    return token.token;
  } catch (error) {
    // @azure/identity's messages name the error code and the endpoint, never a secret or a token.
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new SignInError(`sign-in (${chosen.kind}) failed: ${message}`);
  }
}
