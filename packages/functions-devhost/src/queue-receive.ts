/**
 * Receives a storage queue's messages with the Queue service's REST operation "Get Messages", as the
 * queue triggers poll: every trigger asks every couple of seconds while its queue is empty, for as long
 * as the host runs. Through the SDK's `QueueClient` each of those polls cost a few milliseconds of CPU
 * (its pipeline of policies, the XML serializer and parser), most of what an idle devhost did; this is
 * one signed GET and a scan of a short XML answer. The triggers keep the SDK for everything else a
 * message goes through (delete, update, the poison queue), which happens once per message.
 *
 * Shared Key signing follows "Authorize with Shared Key" (Queue service, version 2015-02-21 and later):
 * https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
 * The answer's shape: https://learn.microsoft.com/rest/api/storageservices/get-messages
 */
import { createHmac } from "node:crypto";
import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { DequeuedMessageItem } from "@azure/storage-queue";
import type { StorageAccount } from "./storage-connection";
import { exchange, keepAliveAgent } from "./storage-exchange";

const SERVICE_VERSION = "2019-02-02";
/** How long a poll may wait for its answer before it counts as failed. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** A "Get Messages" the service refused. */
export class QueueReceiveError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    queueName: string,
  ) {
    super(`receiving from queue '${queueName}' failed: ${status}${code ? ` ${code}` : ""}`);
    this.name = "QueueReceiveError";
  }
}

const XML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** The text of an XML element's content: entities and character references resolved. */
function xmlText(raw: string): string {
  return raw.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code =
        name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return XML_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The content of the first `<name>` element of `xml`; `undefined` when there is none. */
function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? xmlText(match[1] ?? "") : undefined;
}

/** The messages of a "Get Messages" answer (`<QueueMessagesList>`), as the SDK presents them. */
export function parseQueueMessages(xml: string): DequeuedMessageItem[] {
  const messages: DequeuedMessageItem[] = [];
  for (const match of xml.matchAll(/<QueueMessage>([\s\S]*?)<\/QueueMessage>/g)) {
    const body = match[1] ?? "";
    const date = (name: string) => new Date(element(body, name) ?? "");
    messages.push({
      messageId: element(body, "MessageId") ?? "",
      insertedOn: date("InsertionTime"),
      expiresOn: date("ExpirationTime"),
      popReceipt: element(body, "PopReceipt") ?? "",
      nextVisibleOn: date("TimeNextVisible"),
      dequeueCount: Number(element(body, "DequeueCount") ?? "0"),
      messageText: element(body, "MessageText") ?? "",
    });
  }
  return messages;
}

/** Receives messages from one queue. */
export class QueueReceiver {
  readonly #account: StorageAccount;
  readonly #endpoint: URL;
  readonly #path: string;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #key: Buffer | undefined;
  readonly #requestTimeoutMs: number;

  constructor(
    account: StorageAccount,
    readonly queueName: string,
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    this.#account = account;
    this.#endpoint = new URL(account.endpoint);
    this.#path = `${this.#endpoint.pathname.replace(/\/+$/, "")}/${encodeURIComponent(queueName)}/messages`;
    this.#agent = keepAliveAgent(this.#endpoint);
    this.#key = account.accountKey ? Buffer.from(account.accountKey, "base64") : undefined;
    this.#requestTimeoutMs = requestTimeoutMs;
  }

  /**
   * Takes up to `count` visible messages, hiding them for `visibilityTimeoutSec`.
   * @throws QueueReceiveError when the service refuses; network errors as they are
   */
  async receive(count: number, visibilityTimeoutSec: number): Promise<DequeuedMessageItem[]> {
    const params = { numofmessages: String(count), visibilitytimeout: String(visibilityTimeoutSec) };
    const query = Object.entries(params)
      .map(([name, value]) => `${name}=${value}`)
      .concat(this.#key ? [] : [this.#account.sharedAccessSignature ?? ""])
      .filter(Boolean)
      .join("&");
    const headers: Record<string, string> = {
      "x-ms-date": new Date().toUTCString(),
      "x-ms-version": SERVICE_VERSION,
    };
    if (this.#key) headers.Authorization = this.#sharedKey("GET", headers, params);
    const answer = await exchange(
      this.#endpoint,
      this.#agent,
      { method: "GET", path: `${this.#path}?${query}`, headers },
      this.#requestTimeoutMs,
    );
    if (answer.status !== 200) {
      throw new QueueReceiveError(answer.status, element(answer.body, "Code"), this.queueName);
    }
    return parseQueueMessages(answer.body);
  }

  /** The `Authorization` header of a bodiless request (Shared Key). */
  #sharedKey(method: string, headers: Record<string, string>, params: Record<string, string>): string {
    const canonicalHeaders = Object.entries(headers)
      .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
      .filter(([name]) => name.startsWith("x-ms-"))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => `${name}:${value}\n`)
      .join("");
    const canonicalParams = Object.keys(params)
      .sort()
      .map((name) => `\n${name}:${params[name]}`)
      .join("");
    // VERB, then eleven standard headers (none sent), then the x-ms- headers and the resource.
    const stringToSign = `${method}\n${"\n".repeat(11)}${canonicalHeaders}/${this.#account.accountName}${this.#path}${canonicalParams}`;
    const signature = createHmac("sha256", this.#key ?? Buffer.alloc(0))
      .update(stringToSign, "utf8")
      .digest("base64");
    return `SharedKey ${this.#account.accountName}:${signature}`;
  }

  /** Closes the kept connections. */
  close(): void {
    this.#agent.destroy();
  }
}
