/**
 * Classification of Azure errors at the client boundary. Every failure of an Azure call (ARM, Key Vault,
 * Kubernetes API, sockets) becomes one {@link AzureError} of a small set of kinds that keeps Azure's code
 * and message and says whether and when to retry. An activity turns it into its JSON summary
 * ({@link AzureErrorSummary}) and returns that as a value: Durable Functions would hand an orchestration
 * nothing of a thrown error but its message.
 */

/** The kinds of Azure failure the provisioner tells apart. */
export type AzureErrorKind =
  /** 429: the subscription's or provider's request budget is spent. Retry after {@link AzureError.retryAfterMs}. */
  | "throttled"
  /** The resource is busy with another operation (409 AnotherOperationInProgress, AKS OperationNotAllowed …). */
  | "busy"
  | "notFound"
  /** The request is wrong (400, invalid parameter, an immutable property change). Never retried. */
  | "invalidRequest"
  /** Subscription quota or regional capacity exhausted. Never retried. */
  | "quota"
  /** A globally unique name is taken by someone else. Never retried. */
  | "nameUnavailable"
  /** 5xx, timeouts, dropped sockets. Retried with back-off. */
  | "transient"
  /** 401/403. Retryable only while access is still propagating (Key Vault firewall/RBAC, expired token). */
  | "authorization"
  /** A long-running operation ended Failed/Canceled with a code none of the other kinds covers. */
  | "operationFailed";

/** The serializable summary of an {@link AzureError}: what crosses to an orchestration. */
export interface AzureErrorSummary {
  readonly kind: AzureErrorKind;
  /** Azure's error code, e.g. `AnotherOperationInProgress`, or a socket code such as `ECONNRESET`. */
  readonly code: string;
  /** Azure's message (secret values redacted by the caller). */
  readonly message: string;
  /** HTTP status, when the failure was an HTTP answer. */
  readonly statusCode?: number;
  /** Whether the same call may succeed later. */
  readonly retryable: boolean;
  /** When retryable: how long to wait before the next attempt, in milliseconds. */
  readonly retryAfterMs?: number;
  /** The ARM id (or plan node key) the call was about, when known. */
  readonly target?: string;
}

/** An Azure failure, classified. Use the `isX()` guards rather than `instanceof`. */
export class AzureError extends Error implements AzureErrorSummary {
  readonly isAzureError = true as const;
  readonly kind: AzureErrorKind;
  readonly code: string;
  readonly azureMessage: string;
  readonly statusCode?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly target?: string;

  constructor(summary: AzureErrorSummary) {
    super(`${summary.kind}: ${summary.code}: ${summary.message}`);
    this.name = "AzureError";
    this.kind = summary.kind;
    this.code = summary.code;
    this.azureMessage = summary.message;
    this.statusCode = summary.statusCode;
    this.retryable = summary.retryable;
    this.retryAfterMs = summary.retryAfterMs;
    this.target = summary.target;
  }

  /** The JSON-safe summary (Azure's message under `message`). */
  toSummary(): AzureErrorSummary {
    const { kind, code, statusCode, retryable, retryAfterMs, target } = this;
    return dropUndefined({
      kind,
      code,
      message: this.azureMessage,
      statusCode,
      retryable,
      retryAfterMs,
      target,
    });
  }

  toJSON(): AzureErrorSummary {
    return this.toSummary();
  }
}

/** True for any {@link AzureError}, also across duplicate copies of this module. */
export function isAzureError(error: unknown): error is AzureError {
  return (
    typeof error === "object" && error !== null && (error as { isAzureError?: unknown }).isAzureError === true
  );
}

const guardFor =
  (kind: AzureErrorKind) =>
  (error: unknown): error is AzureError =>
    isAzureError(error) && error.kind === kind;

export const isThrottledError = guardFor("throttled");
export const isBusyError = guardFor("busy");
export const isNotFoundError = guardFor("notFound");
export const isInvalidRequestError = guardFor("invalidRequest");
export const isQuotaError = guardFor("quota");
export const isNameUnavailableError = guardFor("nameUnavailable");
export const isTransientError = guardFor("transient");
export const isAuthorizationError = guardFor("authorization");
export const isOperationFailedError = guardFor("operationFailed");

/** Default waits before retrying each retryable kind when Azure names none, in milliseconds. */
export const DEFAULT_RETRY_AFTER_MS: Readonly<Partial<Record<AzureErrorKind, number>>> = {
  // A 429 without Retry-After still deserves a retry (docs/azure-facts.md#failure-case-5); ARM refills writes at 10/s.
  throttled: 10_000,
  busy: 15_000,
  transient: 5_000,
  // Key Vault firewall and RBAC changes take 1–5 minutes to reach the data plane.
  authorization: 10_000,
};

/** Facts read from a failed call, whatever library raised it. */
export interface ErrorFacts {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
  /** The `Retry-After`-family header, when the answer had one, in milliseconds. */
  readonly retryAfterMs?: number;
}

// Per-code knowledge is data. Codes are matched case-insensitively.
const CODE_KINDS: ReadonlyArray<readonly [AzureErrorKind, readonly string[]]> = [
  [
    "busy",
    [
      "AnotherOperationInProgress",
      "RetryableErrorDueToAnotherOperation",
      "OperationPreempted",
      "ServerBusy",
      "ServerIsBusy",
      // A PostgreSQL server not yet ready for an Entra administrator's write (409, passes with time:
      // docs/azure-facts.md#postgresql-entra-authentication).
      "AadAuthOperationCannotBePerformedWhenServerIsNotAccessible",
      "ConcurrentOperation",
      "EtagMismatch",
      "PreconditionFailed",
      // Teardown: a subnet stays in use until ARM has removed its NICs and endpoints.
      "InUseSubnetCannotBeDeleted",
      "ResourceGroupBeingDeleted",
    ],
  ],
  [
    "notFound",
    [
      "ResourceNotFound",
      "ResourceGroupNotFound",
      "NotFound",
      "ParentResourceNotFound",
      "SecretNotFound",
      "VaultNotFound",
    ],
  ],
  [
    "quota",
    [
      "QuotaExceeded",
      "SubscriptionQuotaExceeded",
      "ResourceQuotaExceeded",
      "SkuNotAvailable",
      "AllocationFailed",
      "ZonalAllocationFailed",
      "InsufficientCapacity",
      "NoRegisteredProviderFound",
    ],
  ],
  [
    "nameUnavailable",
    [
      "VaultAlreadyExists",
      "NameNotAvailable",
      "NameAlreadyExists",
      "ServerNameAlreadyExists",
      "NameUnavailable",
    ],
  ],
  [
    "authorization",
    [
      "ForbiddenByFirewall",
      "ForbiddenByRbac",
      "ForbiddenByConnection",
      "AuthorizationFailed",
      "Forbidden",
      "Unauthorized",
      "ExpiredAuthenticationToken",
      "InvalidAuthenticationToken",
      "LinkedAuthorizationFailed",
    ],
  ],
  [
    "transient",
    ["InternalServerError", "ServiceUnavailable", "GatewayTimeout", "RequestTimeout", "InternalError"],
  ],
  ["throttled", ["TooManyRequests", "Throttled", "SubscriptionRequestsThrottled"]],
];

/** Authorization codes that clear by themselves: access still propagating, or a token to fetch anew. */
const RETRYABLE_AUTHORIZATION_CODES = new Set(
  ["ForbiddenByFirewall", "ForbiddenByRbac", "ExpiredAuthenticationToken", "InvalidAuthenticationToken"].map(
    (c) => c.toLowerCase(),
  ),
);

const SOCKET_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ESOCKETTIMEDOUT",
  "UND_ERR_SOCKET",
  "REQUEST_SEND_ERROR",
]);

const RETRYABLE_KINDS: ReadonlySet<AzureErrorKind> = new Set(["throttled", "busy", "transient"]);

function kindOfCode(code: string, message: string): AzureErrorKind | undefined {
  const lower = code.toLowerCase();
  // AKS answers OperationNotAllowed both while busy and for quota; only the message tells them apart.
  if (lower === "operationnotallowed") {
    if (/quota|limit/i.test(message)) return "quota";
    return /another operation|in progress|busy/i.test(message) ? "busy" : "invalidRequest";
  }
  for (const [kind, codes] of CODE_KINDS) {
    if (codes.some((known) => known.toLowerCase() === lower)) return kind;
  }
  return undefined;
}

function kindOfStatus(statusCode: number): AzureErrorKind {
  if (statusCode === 429) return "throttled";
  if (statusCode === 404) return "notFound";
  if (statusCode === 401 || statusCode === 403) return "authorization";
  // A bare 409 is almost always "busy with another operation"; known terminal 409s have codes above.
  if (statusCode === 409) return "busy";
  if (statusCode === 408 || (statusCode >= 500 && statusCode !== 501 && statusCode !== 505))
    return "transient";
  return "invalidRequest";
}

/** `RetryableErrorDueToAnotherOperation` says "can be retried in N seconds" in its message. */
function retryAfterFromMessage(message: string): number | undefined {
  const match = /retried in (\d+) seconds?/i.exec(message);
  return match ? Number(match[1]) * 1000 : undefined;
}

/**
 * Classifies the facts of a failed call.
 * @param target - the resource the call was about, kept on the error for the user
 */
export function classifyFacts(facts: ErrorFacts, target?: string): AzureError {
  const code = facts.code ?? (facts.statusCode !== undefined ? `Http${facts.statusCode}` : "Unknown");
  const message = facts.message ?? code;
  let kind: AzureErrorKind;
  if (facts.statusCode === 429) kind = "throttled";
  else if (SOCKET_CODES.has(code.toUpperCase())) kind = "transient";
  else
    kind =
      kindOfCode(code, message) ??
      (facts.statusCode !== undefined ? kindOfStatus(facts.statusCode) : "operationFailed");
  const retryable =
    RETRYABLE_KINDS.has(kind) ||
    (kind === "authorization" && RETRYABLE_AUTHORIZATION_CODES.has(code.toLowerCase()));
  const retryAfterMs = retryable
    ? (facts.retryAfterMs ?? retryAfterFromMessage(message) ?? DEFAULT_RETRY_AFTER_MS[kind])
    : undefined;
  return new AzureError(
    dropUndefined({ kind, code, message, statusCode: facts.statusCode, retryable, retryAfterMs, target }),
  );
}

/**
 * Parses the `Retry-After` family of headers (`retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After` in
 * seconds or as an HTTP date) into milliseconds.
 */
export function retryAfterMsFromHeaders(
  get: (name: string) => string | undefined | null,
): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number(get(name) ?? "");
    if (get(name) && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = get("retry-after");
  if (!retryAfter) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Reads a header from whatever header shape a library hands out (core-rest-pipeline, fetch, plain object). */
export function headerReader(headers: unknown): (name: string) => string | undefined {
  return (name) => {
    if (typeof headers !== "object" || headers === null) return undefined;
    const withGet = headers as { get?: (n: string) => unknown };
    if (typeof withGet.get === "function") {
      const value = withGet.get(name);
      return typeof value === "string" ? value : undefined;
    }
    const record = headers as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : record[key];
    return typeof value === "string" ? value : Array.isArray(value) ? String(value[0]) : undefined;
  };
}

/**
 * Azure's `{ error: { code, message, innererror: { code } } }` (or a bare `{ code, message }`) from a
 * parsed or raw body. The innermost code wins: Key Vault answers `Forbidden` outside and says why
 * (`ForbiddenByFirewall`, `ForbiddenByRbac`) only in `innererror`.
 */
export function azureErrorBody(body: unknown): { code?: string; message?: string } {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (typeof value !== "object" || value === null) return {};
  const record = value as Record<string, unknown>;
  const outer = (typeof record.error === "object" && record.error !== null ? record.error : record) as Record<
    string,
    unknown
  >;
  let code = typeof outer.code === "string" ? outer.code : undefined;
  // Bounded: inner errors nest a few levels at most.
  let inner = outer.innererror ?? outer.innerError;
  for (let depth = 0; depth < 5 && typeof inner === "object" && inner !== null; depth++) {
    const innerRecord = inner as Record<string, unknown>;
    if (typeof innerRecord.code === "string") code = innerRecord.code;
    inner = innerRecord.innererror ?? innerRecord.innerError;
  }
  return { code, message: typeof outer.message === "string" ? outer.message : undefined };
}

const LRO_FAILED = /The long-running operation has failed\.?\s*(?:([A-Za-z][\w.]*)\.\s*)?(.*)$/s;

/**
 * Classifies anything an Azure SDK, the Kubernetes client or a socket threw. Errors already classified
 * pass through unchanged.
 * @param target - the resource the call was about
 */
export function classifyAzureError(error: unknown, target?: string): AzureError {
  if (isAzureError(error)) return error;
  if (typeof error !== "object" || error === null) return classifyFacts({ message: String(error) }, target);
  const e = error as Record<string, unknown> & { response?: { headers?: unknown; bodyAsText?: unknown } };
  const message = typeof e.message === "string" ? e.message : String(error);
  // @kubernetes/client-node ApiException: numeric `code` is the HTTP status, `body` the raw Status JSON.
  if (typeof e.code === "number" && "body" in e) {
    const status = e.body as Record<string, unknown> | string;
    const parsed = typeof status === "string" ? safeJson(status) : status;
    const reason = typeof parsed?.reason === "string" ? parsed.reason : undefined;
    const kubeMessage = typeof parsed?.message === "string" ? parsed.message : message;
    const classified = classifyFacts(
      { statusCode: e.code, code: reason ?? `Http${e.code}`, message: kubeMessage, retryAfterMs: undefined },
      target,
    );
    // Azure RBAC for Kubernetes answers 403 until a new role assignment reaches the cluster (minutes
    // after the build granted it), so a Kubernetes 403 is "still propagating": retried within the
    // data-plane profile's bounded budget, then reported with the API server's own reason.
    if (e.code === 403) {
      return new AzureError({
        ...classified.toSummary(),
        retryable: true,
        retryAfterMs: DEFAULT_RETRY_AFTER_MS.authorization,
      });
    }
    return classified;
  }
  const statusCode = typeof e.statusCode === "number" ? e.statusCode : undefined;
  const headers = headerReader(e.response?.headers);
  const fromBody = azureErrorBody(e.response?.bodyAsText ?? e.details);
  const lro = LRO_FAILED.exec(message);
  const code = fromBody.code ?? (typeof e.code === "string" ? e.code : undefined) ?? lro?.[1];
  const azureMessage = fromBody.message ?? (lro ? lro[2]?.trim() || message : message);
  return classifyFacts(
    dropUndefined({
      statusCode,
      code,
      message: azureMessage,
      retryAfterMs: retryAfterMsFromHeaders(headers),
    }),
    target,
  );
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
