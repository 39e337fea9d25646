/**
 * A storage-queue message as the Functions host hands it to a Node function: the body decoded (base64 by
 * default), then JSON-parsed when it parses (the worker's `fromRpcTypedData` does that to every string),
 * and the trigger metadata the host passes beside it.
 */
import { randomUUID } from "node:crypto";
import type { DequeuedMessageItem } from "@azure/storage-queue";

/** Why a message could not be decoded: the host moves such messages straight to the poison queue. */
export interface MessageDecodingError extends Error {
  readonly isMessageDecodingError: true;
}

/** Whether `error` is a {@link MessageDecodingError}. */
export function isMessageDecodingError(error: unknown): error is MessageDecodingError {
  return error instanceof Error && (error as Partial<MessageDecodingError>).isMessageDecodingError === true;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The message body as text.
 * @throws MessageDecodingError when `encoding` is base64 and the body is not valid base64 (Node's decoder
 *   would silently skip bad characters; the host's does not).
 */
export function decodeMessageText(messageText: string, encoding: "base64" | "none"): string {
  if (encoding === "none") return messageText;
  const compact = messageText.replace(/\s+/g, "");
  if (!BASE64.test(compact)) {
    throw Object.assign(new Error("the message is not valid base64 (host.json queues.messageEncoding)"), {
      isMessageDecodingError: true as const,
    });
  }
  return Buffer.from(compact, "base64").toString("utf8");
}

/** What a handler receives: the JSON value when the text is JSON, else the text itself. */
export function toTriggerInput(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Encodes text as a queue producer must for a trigger with `encoding` (the inverse of {@link decodeMessageText}). */
export function encodeMessageText(text: string, encoding: "base64" | "none"): string {
  return encoding === "base64" ? Buffer.from(text, "utf8").toString("base64") : text;
}

/**
 * `context.triggerMetadata` for a queue trigger, camel-cased as the worker presents it: `queueTrigger`
 * (the decoded text), `id`, `dequeueCount`, `insertionTime`, `expirationTime`, `nextVisibleTime`,
 * `popReceipt`, and `sys`.
 */
export function queueTriggerMetadata(
  message: DequeuedMessageItem,
  text: string,
  functionName: string,
): Record<string, unknown> {
  return {
    queueTrigger: text,
    id: message.messageId,
    dequeueCount: message.dequeueCount,
    insertionTime: message.insertedOn.toISOString(),
    expirationTime: message.expiresOn.toISOString(),
    nextVisibleTime: message.nextVisibleOn.toISOString(),
    popReceipt: message.popReceipt,
    sys: { methodName: functionName, utcNow: new Date().toISOString(), randGuid: randomUUID() },
  };
}
