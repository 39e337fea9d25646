/**
 * `npm run emulator`: runs the local Azure emulator until interrupted.
 *
 * Flags (environment variable in brackets):
 *   --port N          ARM port [EMULATOR_PORT] (default 8443; 0 = any free port)
 *   --data-dir DIR    certificates directory [EMULATOR_DATA_DIR] (default <os tmpdir>/azure-env-provisioner-emulator)
 *   --time-scale X    multiplier of Azure durations [EMULATOR_TIME_SCALE] (default 1)
 *   --faults JSON|@F  fault rules, inline JSON or @file [EMULATOR_FAULTS]
 *   --state-file F    state kept across restarts [EMULATOR_STATE_FILE] (default none)
 *   --no-throttling   disable ARM throttling [EMULATOR_THROTTLING=0]
 *   --identity-principal-id GUID  object id of the managed identity the token endpoint serves
 *                     [EMULATOR_IDENTITY_PRINCIPAL_ID] (default the emulator's local principal)
 *   --identity-port N port of the managed-identity endpoint [EMULATOR_IDENTITY_PORT] (default a free port)
 *   --identity-header S  its IDENTITY_HEADER secret [EMULATOR_IDENTITY_HEADER] (default random per start)
 *   --entra JSON|@F   Microsoft Entra ID tenants, APIs, clients and users (`EntraOptions`), inline JSON or
 *                     @file [EMULATOR_ENTRA] (default one tenant with nothing registered)
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startEmulator } from "./emulator.js";
import type { EntraOptions } from "./entra/directory.js";

const DEFAULT_PORT = 8443;

function readJson(value: string): unknown {
  const text = value.startsWith("@") ? readFileSync(value.slice(1), "utf8") : value;
  return JSON.parse(text) as unknown;
}

function readFaults(value: string | undefined): unknown[] {
  if (!value) return [];
  const parsed = readJson(value);
  return Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "data-dir": { type: "string" },
      "time-scale": { type: "string" },
      faults: { type: "string" },
      "state-file": { type: "string" },
      "no-throttling": { type: "boolean" },
      "identity-principal-id": { type: "string" },
      "identity-port": { type: "string" },
      "identity-header": { type: "string" },
      entra: { type: "string" },
    },
  });
  const env = process.env;
  const dataDir = values["data-dir"] ?? env.EMULATOR_DATA_DIR;
  const stateFile = values["state-file"] ?? env.EMULATOR_STATE_FILE;
  const identityPrincipalId = values["identity-principal-id"] ?? env.EMULATOR_IDENTITY_PRINCIPAL_ID;
  const identityHeader = values["identity-header"] ?? env.EMULATOR_IDENTITY_HEADER;
  const entra = values.entra ?? env.EMULATOR_ENTRA;
  const emulator = await startEmulator({
    port: Number(values.port ?? env.EMULATOR_PORT ?? DEFAULT_PORT),
    timeScale: Number(values["time-scale"] ?? env.EMULATOR_TIME_SCALE ?? 1),
    faults: readFaults(values.faults ?? env.EMULATOR_FAULTS),
    throttling: !(values["no-throttling"] === true || env.EMULATOR_THROTTLING === "0"),
    ...(dataDir ? { dataDir } : {}),
    ...(stateFile ? { stateFile } : {}),
    managedIdentity: {
      port: Number(values["identity-port"] ?? env.EMULATOR_IDENTITY_PORT ?? 0),
      ...(identityPrincipalId ? { principalId: identityPrincipalId } : {}),
      ...(identityHeader ? { identityHeader } : {}),
    },
    ...(entra ? { entra: readJson(entra) as EntraOptions } : {}),
  });
  console.log(`Azure emulator listening
  ARM endpoint:  ${emulator.armEndpoint}
  CA cert:       ${emulator.caCertPath}   (NODE_EXTRA_CA_CERTS or tlsOptions.ca)
  admin API:     ${emulator.adminUrl}
  time scale:    ${emulator.admin.timeScale()}${stateFile ? `\n  state file:    ${stateFile}` : ""}
  managed identity (App Service protocol; give these to the app, e.g. in local.settings.json):
    IDENTITY_ENDPOINT=${emulator.identityEndpoint}
    IDENTITY_HEADER=${emulator.identityHeader}
    principal (PROVISIONER_PRINCIPAL_ID): ${emulator.identityPrincipalId}
  Microsoft Entra ID (authority host; OIDC discovery at <authority>/<tenant>/v2.0/.well-known/openid-configuration):
    ${emulator.entra.authority}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("emulator: stop failed:", error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("emulator: failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
