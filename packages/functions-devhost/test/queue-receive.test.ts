/**
 * The queue triggers' poll (`src/queue-receive.ts`, the REST "Get Messages") against Azurite, checked
 * against `@azure/storage-queue`: it receives what the SDK sent, text and all, hides what it took, hands
 * back pop receipts the SDK can delete with, signs with the key or a SAS, and fails as the service says.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  QueueClient,
  QueueSASPermissions,
  generateQueueSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-queue";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import { DEVELOPMENT_ACCOUNT, DEVELOPMENT_ACCOUNT_KEY, queueAccountOf } from "../src/storage-connection";
import { parseQueueMessages, QueueReceiveError, QueueReceiver } from "../src/queue-receive";

describe("the queue triggers' poll against Azurite", () => {
  let azurite: RunningAzurite;
  let queues = 0;
  const receivers: QueueReceiver[] = [];
  const fresh = async () => {
    const name = `poll-${Date.now().toString(36)}-${(queues += 1)}`;
    const sdk = new QueueClient(azurite.connectionString, name);
    await sdk.create();
    const receiver = new QueueReceiver(queueAccountOf(azurite.connectionString), name);
    receivers.push(receiver);
    return { sdk, receiver, name };
  };

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    receivers.forEach((receiver) => receiver.close());
    await azurite.stop();
  });

  test("receives what the SDK sent, hides it for the timeout, and its pop receipts delete it", async () => {
    const { sdk, receiver } = await fresh();
    const texts = ['{"environment":"a & b <c>"}', "plain 'text' \"quoted\"", "größe 名前 \u{1f680}"];
    const sent = [];
    for (const text of texts) sent.push(await sdk.sendMessage(text));
    const startedMs = Date.now();
    const received = await receiver.receive(16, 30);
    assert.deepEqual(received.map((message) => message.messageText).sort(), [...texts].sort());
    assert.deepEqual(
      received.map((message) => message.messageId).sort(),
      sent.map((message) => message.messageId).sort(),
    );
    for (const message of received) {
      assert.equal(message.dequeueCount, 1);
      assert.ok(message.popReceipt.length > 0);
      assert.ok(message.insertedOn.getTime() <= Date.now() + 1000);
      assert.ok(message.expiresOn.getTime() > message.insertedOn.getTime());
      // Hidden for the 30 s asked (the service's clock has whole seconds).
      const hiddenForMs = message.nextVisibleOn.getTime() - startedMs;
      assert.ok(hiddenForMs > 28_000 && hiddenForMs <= 31_000, `hidden for ${hiddenForMs} ms`);
    }
    assert.deepEqual(await receiver.receive(16, 30), [], "what was received is hidden");
    for (const message of received) await sdk.deleteMessage(message.messageId, message.popReceipt);
    assert.equal((await sdk.getProperties()).approximateMessagesCount, 0);
  });

  test("takes at most the number asked, and nothing from an empty queue", async () => {
    const { sdk, receiver } = await fresh();
    assert.deepEqual(await receiver.receive(16, 30), []);
    for (let i = 0; i < 5; i++) await sdk.sendMessage(`m${i}`);
    assert.equal((await receiver.receive(2, 30)).length, 2);
    assert.equal((await receiver.receive(16, 30)).length, 3);
  });

  test("a message received again counts its dequeues", async () => {
    const { sdk, receiver } = await fresh();
    await sdk.sendMessage("again");
    const [first] = await receiver.receive(1, 30);
    assert.ok(first);
    await sdk.updateMessage(first.messageId, first.popReceipt, undefined, 0);
    const [second] = await receiver.receive(1, 30);
    assert.equal(second?.messageId, first.messageId);
    assert.equal(second?.dequeueCount, 2);
  });

  test("signs with a SAS connection string as with the key", async () => {
    const { sdk, name } = await fresh();
    await sdk.sendMessage("by sas");
    const sas = generateQueueSASQueryParameters(
      {
        queueName: name,
        permissions: QueueSASPermissions.parse("p"),
        expiresOn: new Date(Date.now() + 3_600_000),
      },
      new StorageSharedKeyCredential(DEVELOPMENT_ACCOUNT, DEVELOPMENT_ACCOUNT_KEY),
    ).toString();
    const endpoint = queueAccountOf(azurite.connectionString).endpoint;
    const receiver = new QueueReceiver(
      queueAccountOf(`QueueEndpoint=${endpoint};SharedAccessSignature=${sas}`),
      name,
    );
    receivers.push(receiver);
    assert.deepEqual(
      (await receiver.receive(16, 30)).map((message) => message.messageText),
      ["by sas"],
    );
  });

  test("fails with the service's status and code: a wrong key, a missing queue", async () => {
    const { name } = await fresh();
    const account = queueAccountOf(azurite.connectionString);
    const wrongKey = Buffer.alloc(64, 7).toString("base64");
    const forged = new QueueReceiver({ ...account, accountKey: wrongKey }, name);
    receivers.push(forged);
    await assert.rejects(forged.receive(1, 30), (error: unknown) => {
      assert.ok(error instanceof QueueReceiveError);
      assert.equal(error.status, 403);
      assert.equal(error.code, "AuthenticationFailed");
      assert.ok(!error.message.includes(wrongKey));
      return true;
    });
    const missing = new QueueReceiver(account, `${name}-missing`);
    receivers.push(missing);
    await assert.rejects(missing.receive(1, 30), {
      name: "QueueReceiveError",
      status: 404,
      code: "QueueNotFound",
    });
  });
});

describe("reading a Get Messages answer", () => {
  test("resolves entities and character references in the message text", () => {
    const [message] = parseQueueMessages(
      '<?xml version="1.0" encoding="utf-8"?><QueueMessagesList><QueueMessage>' +
        "<MessageId>id-1</MessageId><InsertionTime>Tue, 01 Dec 2026 10:00:00 GMT</InsertionTime>" +
        "<ExpirationTime>Tue, 08 Dec 2026 10:00:00 GMT</ExpirationTime><PopReceipt>AgAAAA==</PopReceipt>" +
        "<TimeNextVisible>Tue, 01 Dec 2026 10:00:30 GMT</TimeNextVisible><DequeueCount>3</DequeueCount>" +
        "<MessageText>&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#233;&#x1F680;</MessageText></QueueMessage></QueueMessagesList>",
    );
    assert.deepEqual(message, {
      messageId: "id-1",
      insertedOn: new Date("2026-12-01T10:00:00Z"),
      expiresOn: new Date("2026-12-08T10:00:00Z"),
      popReceipt: "AgAAAA==",
      nextVisibleOn: new Date("2026-12-01T10:00:30Z"),
      dequeueCount: 3,
      messageText: '<a href="x">&\'é\u{1f680}',
    });
    assert.deepEqual(parseQueueMessages('<?xml version="1.0" encoding="utf-8"?><QueueMessagesList />'), []);
  });
});

describe("a connection string's Queue service", () => {
  test("is Azurite's for development storage, the public one from the account, or the endpoint given", () => {
    assert.equal(
      queueAccountOf("UseDevelopmentStorage=true").endpoint,
      `http://127.0.0.1:10001/${DEVELOPMENT_ACCOUNT}`,
    );
    const account = queueAccountOf(
      "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=a2V5;EndpointSuffix=core.windows.net",
    );
    assert.deepEqual(account, {
      accountName: "acme",
      endpoint: "https://acme.queue.core.windows.net",
      accountKey: "a2V5",
    });
    assert.equal(
      queueAccountOf("QueueEndpoint=http://127.0.0.1:7001/dev/;TableEndpoint=http://x;AccountKey=a2V5")
        .accountName,
      "dev",
    );
    assert.throws(
      () => queueAccountOf("TableEndpoint=http://127.0.0.1:10002/dev;AccountKey=secret-key"),
      (error: unknown) =>
        error instanceof Error &&
        error.message.includes("no AccountName or QueueEndpoint") &&
        !error.message.includes("secret-key"),
    );
  });
});
