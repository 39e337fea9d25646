/**
 * A Key Vault data plane served over TLS for tests, with one vault open at the server's origin, and
 * real `SecretClient`s that trust the test CA.
 */
import { SecretClient } from "@azure/keyvault-secrets";
import type { TokenCredential } from "@azure/core-auth";
import { EmulatorCredential } from "../../src/credential";
import type { KeyVaultDataPlane, VaultInfo } from "../../src/dataplane";
import { createKeyVaultDataPlane } from "../../src/keyvault";
import type { FakeDataPlaneContext, TestTlsServer } from "./tls-dataplane-server";
import { createFakeDataPlaneContext, startTestTlsServer } from "./tls-dataplane-server";

/** The tenant of the test vault (and of the credential the harness client uses). */
export const TEST_TENANT_ID = "00000000-0000-0000-0000-000000000001";
/** ARM id of the test vault: RBAC scopes are checked against it. */
export const TEST_VAULT_ID =
  "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-test";

/** A running vault for one test. */
export interface KeyVaultHarness {
  readonly ctx: FakeDataPlaneContext;
  readonly plane: KeyVaultDataPlane;
  readonly server: TestTlsServer;
  readonly vault: VaultInfo;
  /** A `SecretClient` on the vault's origin, trusting the test CA, with fast polls and no retries. */
  client(credential?: TokenCredential): SecretClient;
  close(): Promise<void>;
}

/** Starts a data plane with one open vault; `vault` overrides its settings. */
export async function startKeyVaultHarness(vault: Partial<VaultInfo> = {}): Promise<KeyVaultHarness> {
  const ctx = createFakeDataPlaneContext();
  const plane = createKeyVaultDataPlane(ctx);
  const info: VaultInfo = {
    id: TEST_VAULT_ID,
    name: "kv-test",
    tenantId: TEST_TENANT_ID,
    createdAtMs: Date.now(),
    enableRbacAuthorization: false,
    softDeleteRetentionInDays: 90,
    purgeProtection: false,
    ...vault,
  };
  plane.open(info);
  const server = await startTestTlsServer((req, res, url, body) =>
    plane.handle(info.id)(req, res, url, body),
  );
  return {
    ctx,
    plane,
    server,
    vault: info,
    client: (credential = new EmulatorCredential({ tenantId: TEST_TENANT_ID })) =>
      new SecretClient(`${server.origin}/`, credential, {
        disableChallengeResourceVerification: true,
        tlsOptions: { ca: server.tls.caPem },
        retryOptions: { maxRetries: 0 },
      }),
    close: () => server.close(),
  };
}

/** Options for the SDK's delete and recover pollers: poll every few ms instead of every 2 s. */
export const FAST_POLL = { intervalInMs: 5 } as const;
