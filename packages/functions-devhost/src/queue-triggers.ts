/**
 * Storage-queue triggers on Azurite (or any Azure Storage account), with the Functions host's
 * semantics: batches of `batchSize`, a new batch once no more than `newBatchThreshold` messages are in
 * flight, randomized exponential back-off up to `maxPollingInterval` while a queue is empty, the
 * message hidden for `visibilityTimeout` after a failure, deleted after a success, and moved to
 * `<queue>-poison` once it has failed `maxDequeueCount` times.
 */
import { QueueClient, type DequeuedMessageItem } from "@azure/storage-queue";
import type { CapturedFunction, FunctionRegistry } from "./contracts";
import {
  consoleLog,
  describeError,
  invokeFunction,
  type DevhostLog,
  type ExtraInputsProvider,
} from "./invoke";
import {
  decodeMessageText,
  isMessageDecodingError,
  queueTriggerMetadata,
  toTriggerInput,
} from "./queue-message";
import { settleWithin } from "./loopback-server";
import type { QueueTriggerSettings } from "./settings";
import { resolveAppSettingReferences } from "./settings";
import {
  connectionSettingNames,
  queueAccountOf,
  resolveStorageConnection,
  type StorageAccount,
} from "./storage-connection";
import { QueueReceiver } from "./queue-receive";
import { bindingDataOf } from "./binding-expressions";
import type { OutputBindingWriter } from "./output-bindings";

/** Options for {@link startQueueTriggers}. */
export interface QueueTriggerOptions {
  readonly registry: FunctionRegistry;
  /** host.json `extensions.queues`, as {@link parseHostJson} returns it. */
  readonly settings: QueueTriggerSettings;
  /** Where connection settings (`connection` of each trigger) are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Values of extra input bindings (durable client payloads) per invocation. @default - none */
  readonly extraInputs?: ExtraInputsProvider;
  /**
   * How long a received message stays hidden while its handler runs, in ms; renewed at half that while
   * the handler is still running, as the host does. @default 600000 (the host's 10 minutes)
   */
  readonly messageLeaseMs?: number;
  /** Writes the functions' output bindings. @default - see {@link invokeFunction} */
  readonly outputs?: OutputBindingWriter;
  /** Shortest wait between polls of an empty queue, in ms. @default 100 */
  readonly minPollingIntervalMs?: number;
  /** @default console */
  readonly log?: DevhostLog;
}

/** Running pollers. */
export interface RunningQueueTriggers {
  /** `function → queue` pairs being polled. */
  readonly listeners: readonly { functionName: string; queueName: string }[];
  /** Stops polling and waits for running handlers up to `graceMs`. @default 5000 */
  stop(graceMs?: number): Promise<void>;
}

/** Thrown at start for a trigger whose queue or connection cannot be resolved. */
export interface QueueTriggerConfigError extends Error {
  readonly isQueueTriggerConfigError: true;
}

/** Whether `error` is a {@link QueueTriggerConfigError}. */
export function isQueueTriggerConfigError(error: unknown): error is QueueTriggerConfigError {
  return (
    error instanceof Error && (error as Partial<QueueTriggerConfigError>).isQueueTriggerConfigError === true
  );
}

function configError(message: string): QueueTriggerConfigError {
  return Object.assign(new Error(message), { isQueueTriggerConfigError: true as const });
}

/** The suffix the host appends to a queue's name for messages that failed too often. */
export const POISON_QUEUE_SUFFIX = "-poison";
/** Storage's limit on messages per receive. */
const MAX_MESSAGES_PER_RECEIVE = 32;

/** The connection string a trigger's `connection` names, looked up as the host does. */
function resolveConnection(fn: CapturedFunction, env: NodeJS.ProcessEnv): string {
  const value = resolveStorageConnection(fn.trigger.connection, env);
  if (value) return value;
  const candidates = connectionSettingNames(fn.trigger.connection);
  throw configError(`function "${fn.name}": the connection setting ${candidates.join(" / ")} is not set`);
}

function queueServiceOf(fn: CapturedFunction, connection: string): StorageAccount {
  try {
    return queueAccountOf(connection);
  } catch (error) {
    throw configError(`function "${fn.name}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

function resolveQueueName(fn: CapturedFunction, env: NodeJS.ProcessEnv): string {
  if (typeof fn.trigger.queueName !== "string" || fn.trigger.queueName === "") {
    throw configError(`function "${fn.name}": the queue trigger has no queueName`);
  }
  // Queue names are lower-case in storage; the host lower-cases `%resolved%` names too.
  return resolveAppSettingReferences(fn.trigger.queueName, env, `function "${fn.name}"`).toLowerCase();
}

/** A wait that `wake()` or stopping cuts short. */
class Sleeper {
  #wake: (() => void) | undefined;
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake(), ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
  wake(): void {
    this.#wake?.();
  }
}

interface ListenerContext {
  readonly fn: CapturedFunction;
  readonly queue: QueueClient;
  /** Polls `queue` (the SDK's client does everything else). */
  readonly receiver: QueueReceiver;
  readonly poisonQueue: QueueClient;
  readonly options: QueueTriggerOptions;
  readonly log: DevhostLog;
  readonly leaseMs: number;
}

/** Moves a message to `<queue>-poison` (created on first use) and deletes the original. */
async function moveToPoison(
  listener: ListenerContext,
  message: DequeuedMessageItem,
  reason: string,
): Promise<void> {
  await listener.poisonQueue.createIfNotExists();
  await listener.poisonQueue.sendMessage(message.messageText);
  await listener.queue.deleteMessage(message.messageId, message.popReceipt);
  listener.log(
    "warning",
    `Message ${message.messageId} from queue '${listener.queue.name}' moved to '${listener.poisonQueue.name}': ${reason}`,
  );
}

/** Handles one received message to its end: deleted, hidden for a retry, or poisoned. */
async function processMessage(listener: ListenerContext, received: DequeuedMessageItem): Promise<void> {
  const { fn, queue, options, log } = listener;
  const { maxDequeueCount, visibilityTimeoutMs, messageEncoding } = options.settings;
  // A message that took the process down on every attempt would otherwise loop forever.
  if (received.dequeueCount > maxDequeueCount) {
    return moveToPoison(
      listener,
      received,
      `dequeue count ${received.dequeueCount} exceeds ${maxDequeueCount}`,
    );
  }
  let text: string;
  try {
    text = decodeMessageText(received.messageText, messageEncoding);
  } catch (error) {
    if (isMessageDecodingError(error)) return moveToPoison(listener, received, error.message);
    throw error;
  }

  let popReceipt = received.popReceipt;
  const renewal = setInterval(() => {
    queue.updateMessage(received.messageId, popReceipt, undefined, Math.ceil(listener.leaseMs / 1000)).then(
      (renewed) => {
        popReceipt = renewed.popReceipt ?? popReceipt;
      },
      (error: unknown) =>
        log("warning", `Could not renew message ${received.messageId}: ${describeError(error)}`),
    );
  }, listener.leaseMs / 2);
  let succeeded = false;
  try {
    const input = toTriggerInput(text);
    const triggerMetadata = queueTriggerMetadata(received, text, fn.name);
    await invokeFunction(fn, input, {
      log,
      triggerMetadata,
      bindingData: bindingDataOf(input, triggerMetadata),
      ...(options.extraInputs ? { extraInputs: options.extraInputs } : {}),
      ...(options.outputs ? { outputs: options.outputs } : {}),
    });
    succeeded = true;
  } catch {
    // invokeFunction logged the failure; what happens to the message is decided below.
  } finally {
    clearInterval(renewal);
  }
  const current = { ...received, popReceipt };
  if (succeeded) {
    await queue.deleteMessage(received.messageId, popReceipt);
  } else if (received.dequeueCount >= maxDequeueCount) {
    await moveToPoison(listener, current, `the function failed ${received.dequeueCount} times`);
  } else {
    await queue.updateMessage(
      received.messageId,
      popReceipt,
      undefined,
      Math.ceil(visibilityTimeoutMs / 1000),
    );
  }
}

/** Polls one queue for one function until `stopped()`. Resolves when polling and every handler are done. */
async function runListener(
  listener: ListenerContext,
  stopped: () => boolean,
  sleeper: Sleeper,
  inFlight: Set<Promise<void>>,
): Promise<void> {
  const { settings } = listener.options;
  const minDelayMs = listener.options.minPollingIntervalMs ?? 100;
  const batchSize = Math.min(settings.batchSize, MAX_MESSAGES_PER_RECEIVE);
  let delayMs = minDelayMs;
  let running = 0;
  while (!stopped()) {
    if (running > settings.newBatchThreshold) {
      await sleeper.sleep(settings.maxPollingIntervalMs);
      continue;
    }
    let messages: DequeuedMessageItem[] = [];
    try {
      messages = await listener.receiver.receive(batchSize, Math.ceil(listener.leaseMs / 1000));
    } catch (error) {
      listener.log("warning", `Polling queue '${listener.queue.name}' failed: ${describeError(error)}`);
    }
    if (stopped()) {
      // Received while stopping: hand them back at once rather than leaving them hidden for the lease.
      await Promise.allSettled(
        messages.map((m) => listener.queue.updateMessage(m.messageId, m.popReceipt, undefined, 0)),
      );
      break;
    }
    for (const message of messages) {
      running += 1;
      const work = processMessage(listener, message)
        .catch((error: unknown) =>
          listener.log(
            "error",
            `Message ${message.messageId} of '${listener.queue.name}': ${describeError(error)}`,
          ),
        )
        .finally(() => {
          running -= 1;
          inFlight.delete(work);
          sleeper.wake();
        });
      inFlight.add(work);
    }
    if (messages.length > 0) {
      delayMs = minDelayMs;
      continue;
    }
    // Randomized exponential back-off, as the host's RandomizedExponentialBackoffStrategy.
    delayMs = Math.min(settings.maxPollingIntervalMs, delayMs * (1.6 + Math.random() * 0.8));
    await sleeper.sleep(delayMs);
  }
}

/**
 * Starts one poller per storage-queue trigger in the registry. Trigger queues are created when missing,
 * so a fresh Azurite works at once.
 * @throws QueueTriggerConfigError when a trigger has no queue name or its connection setting is unset.
 */
export async function startQueueTriggers(options: QueueTriggerOptions): Promise<RunningQueueTriggers> {
  const env = options.env ?? process.env;
  const log = options.log ?? consoleLog;
  const leaseMs = options.messageLeaseMs ?? 600_000;
  const listeners: ListenerContext[] = options.registry.byTriggerType("queueTrigger").map((fn) => {
    const connection = resolveConnection(fn, env);
    const queueName = resolveQueueName(fn, env);
    return {
      fn,
      queue: new QueueClient(connection, queueName),
      receiver: new QueueReceiver(queueServiceOf(fn, connection), queueName),
      poisonQueue: new QueueClient(connection, `${queueName}${POISON_QUEUE_SUFFIX}`),
      options,
      log,
      leaseMs,
    };
  });
  await Promise.all(listeners.map((listener) => listener.queue.createIfNotExists()));

  let stopping = false;
  const sleepers = listeners.map(() => new Sleeper());
  const inFlight = new Set<Promise<void>>();
  const loops = listeners.map((listener, index) =>
    runListener(listener, () => stopping, sleepers[index]!, inFlight).catch((error: unknown) =>
      log("error", `Queue listener for '${listener.fn.name}' stopped: ${describeError(error)}`),
    ),
  );

  return {
    listeners: listeners.map((listener) => ({
      functionName: listener.fn.name,
      queueName: listener.queue.name,
    })),
    async stop(graceMs = 5000) {
      stopping = true;
      sleepers.forEach((sleeper) => sleeper.wake());
      await settleWithin([...loops, ...inFlight], graceMs);
      listeners.forEach((listener) => listener.receiver.close());
    },
  };
}
