/**
 * The key the emulated Microsoft Entra ID signs its access tokens with: one RSA key pair made on first
 * start and kept in the data directory (like the TLS CA), so tokens and the keys a validator cached stay
 * valid across restarts. Its public half is served as a JSON Web Key Set; its key id is the RFC 7638
 * thumbprint of that JWK, so the same key always has the same `kid`.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The public half of an RSA signing key as a JWKS entry (RFC 7517), as Entra's keys endpoint lists it. */
export interface RsaPublicJwk {
  readonly kty: "RSA";
  readonly use: "sig";
  readonly kid: string;
  readonly n: string;
  readonly e: string;
}

/** A signing key, loaded. */
export interface SigningKey {
  /** The `kid` of every token it signs. */
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: RsaPublicJwk;
  /** PEM file of the private key (PKCS #8): tests sign tokens with it to prove what a validator refuses. */
  readonly privateKeyPath: string;
}

const KEY_FILE = "signing-key.pem";
/** Entra signs with 2048-bit RSA keys (the `n` of its published keys is 256 bytes). */
const MODULUS_BITS = 2048;

/** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url. */
function thumbprint(n: string, e: string): string {
  return createHash("sha256")
    .update(JSON.stringify({ e, kty: "RSA", n }))
    .digest("base64url");
}

/**
 * Loads the key from `dataDir/entra`, creating it on first use. Processes starting at once on a fresh
 * directory each write a complete key in a directory of their own and rename it into place: the first
 * rename wins and every process reads the same key.
 */
export function ensureSigningKey(dataDir: string): SigningKey {
  const dir = join(dataDir, "entra");
  const path = join(dir, KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const staging = mkdtempSync(join(dataDir, "entra-staging-"));
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: MODULUS_BITS });
    writeFileSync(join(staging, KEY_FILE), privateKey.export({ type: "pkcs8", format: "pem" }), {
      mode: 0o600,
    });
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const privateKey = createPrivateKey(readFileSync(path, "utf8"));
  const { n, e } = createPublicKey(privateKey).export({ format: "jwk" });
  if (typeof n !== "string" || typeof e !== "string") throw new Error(`${path} does not hold an RSA key`);
  const keyId = thumbprint(n, e);
  return { keyId, privateKey, privateKeyPath: path, publicJwk: { kty: "RSA", use: "sig", kid: keyId, n, e } };
}
