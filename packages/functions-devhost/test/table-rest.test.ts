/**
 * The engine's own Table client against Azurite, checked against `@azure/data-tables` (what the rows of
 * task hubs written before were written with, and what tools reading the table use): rows either one
 * writes the other reads the same, conditional writes fail as the service says, transactions are all or
 * nothing, queries page, and a SAS connection works as a key does.
 */
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  AzureNamedKeyCredential,
  generateTableSas,
  TableClient,
  type TableEntityResult,
} from "@azure/data-tables";
import { startAzurite, type RunningAzurite } from "../src/azurite";
import { DEVELOPMENT_ACCOUNT, DEVELOPMENT_ACCOUNT_KEY, tableAccountOf } from "../src/storage-connection";
import { batchRequest, parseBatchResponse } from "../src/durable/table-batch";
import { entityBody, entityFromJson, odata } from "../src/durable/table-entities";
import { TableRest, TableRestError } from "../src/durable/table-rest";

/** Keys a careless URL or filter encoding gets wrong: quotes, percent escapes, spaces, non-ASCII. */
const AWKWARD_KEYS = ["it's", "100%25 done", "a b+c=d&e", "größe-名前", "(paren)", "x,y;z"];

describe("the engine's Table client against Azurite", () => {
  let azurite: RunningAzurite;
  let tables = 0;
  const fresh = async () => {
    const name = `rest${Date.now().toString(36)}${(tables += 1)}`;
    const rest = new TableRest(tableAccountOf(azurite.connectionString), name);
    await rest.createTable();
    const sdk = TableClient.fromConnectionString(azurite.connectionString, name, {
      allowInsecureConnection: true,
    });
    return { rest, sdk, name };
  };

  before(async () => {
    azurite = await startAzurite();
  });
  after(() => azurite.stop());

  test("creating a table twice is fine; rows it writes read back the same through the SDK, and the other way", async () => {
    const { rest, sdk, name } = await fresh();
    await new TableRest(tableAccountOf(azurite.connectionString), name).createTable();
    for (const key of AWKWARD_KEYS) {
      const etag = await rest.createEntity({
        partitionKey: key,
        rowKey: `${key}-row`,
        text: "x".repeat(3),
        small: 42,
        negative: -7,
        large: 2 ** 40,
        fraction: 0.25,
        flag: true,
      });
      assert.match(etag, /^W\/"/, "a write answers with the row's ETag");
      const read = await sdk.getEntity<Record<string, unknown>>(key, `${key}-row`);
      assert.deepEqual(
        [read.text, read.small, read.negative, read.large, read.fraction, read.flag],
        ["xxx", 42, -7, 2 ** 40, 0.25, true],
      );
      assert.equal(read.etag, etag);
    }
    await sdk.createEntity({ partitionKey: "from-sdk", rowKey: "it's", text: "hello", count: 3 });
    const back = await rest.getEntity("from-sdk", "it's");
    assert.deepEqual(
      [back.partitionKey, back.rowKey, back.text, back.count, typeof back.etag],
      ["from-sdk", "it's", "hello", 3, "string"],
    );
  });

  test("a projection returns only the columns asked for, with the row's ETag", async () => {
    const { rest } = await fresh();
    await rest.createEntity({ partitionKey: "p", rowKey: "r", a: "1", b: "2", c: "3" });
    const row = await rest.getEntity("p", "r", ["a", "c"]);
    assert.equal(row.a, "1");
    assert.equal(row.c, "3");
    assert.equal(row.b, undefined);
    assert.ok(row.etag);
  });

  test("conditional writes and deletes fail with the service's status, and leave the row as it was", async () => {
    const { rest } = await fresh();
    const first = await rest.createEntity({ partitionKey: "p", rowKey: "r", v: "1" });
    await assert.rejects(rest.createEntity({ partitionKey: "p", rowKey: "r", v: "again" }), {
      statusCode: 409,
    });
    const second = await rest.updateEntity({ partitionKey: "p", rowKey: "r", v: "2" }, "Replace", first);
    assert.notEqual(second, first);
    await assert.rejects(rest.updateEntity({ partitionKey: "p", rowKey: "r", v: "3" }, "Merge", first), {
      statusCode: 412,
    });
    await assert.rejects(rest.deleteEntity("p", "r", first), (error: unknown) => {
      assert.ok(error instanceof TableRestError);
      assert.equal(error.statusCode, 412);
      assert.match(error.message, /DELETE .*412/);
      return true;
    });
    assert.equal((await rest.getEntity("p", "r")).v, "2");
    await assert.rejects(rest.getEntity("p", "missing"), { statusCode: 404 });
    await assert.rejects(rest.updateEntity({ partitionKey: "p", rowKey: "missing" }, "Merge"), {
      statusCode: 404,
    });
  });

  test("Merge keeps the columns a write leaves out, Replace drops them; upserts insert or update", async () => {
    const { rest } = await fresh();
    await rest.upsertEntity({ partitionKey: "p", rowKey: "r", a: "1", b: "1" }, "Replace");
    await rest.upsertEntity({ partitionKey: "p", rowKey: "r", b: "2" }, "Merge");
    assert.deepEqual(pick(await rest.getEntity("p", "r"), "a", "b"), { a: "1", b: "2" });
    await rest.updateEntity({ partitionKey: "p", rowKey: "r", b: "3" }, "Replace");
    assert.deepEqual(pick(await rest.getEntity("p", "r"), "a", "b"), { a: undefined, b: "3" });
  });

  test("a transaction applies every operation or, when one fails its condition, none", async () => {
    const { rest, sdk } = await fresh();
    const etag = await rest.createEntity({ partitionKey: "it's", rowKey: "head", n: 1 });
    await rest.createEntity({ partitionKey: "it's", rowKey: "doomed" });
    const answers = await rest.submitTransaction([
      ["update", { partitionKey: "it's", rowKey: "head", n: 2 }, "Merge", { etag }],
      ["create", { partitionKey: "it's", rowKey: "new 100%" }],
      ["upsert", { partitionKey: "it's", rowKey: "upserted", v: "u" }, "Replace"],
      ["delete", { partitionKey: "it's", rowKey: "doomed" }],
    ]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [204, 204, 204, 204],
    );
    const head = await sdk.getEntity<{ n: number }>("it's", "head");
    assert.equal(head.n, 2);
    assert.equal(answers[0]?.etag, head.etag, "each answer carries its row's new ETag, in order");
    // The same update again, with the ETag it has replaced: the whole transaction is refused.
    await assert.rejects(
      rest.submitTransaction([
        ["create", { partitionKey: "it's", rowKey: "never" }],
        ["update", { partitionKey: "it's", rowKey: "head", n: 3 }, "Merge", { etag }],
      ]),
      { statusCode: 412 },
    );
    await assert.rejects(rest.getEntity("it's", "never"), { statusCode: 404 });
    assert.equal((await rest.getEntity("it's", "head")).n, 2);
    await assert.rejects(rest.getEntity("it's", "doomed"), { statusCode: 404 });
  });

  test("queries filter with quoted values, and page with continuation tokens the SDK also reads", async () => {
    const { rest, sdk } = await fresh();
    const rows = Array.from({ length: 45 }, (_, i) => ({
      partitionKey: "p'q",
      rowKey: `row-${String(i).padStart(3, "0")}`,
      even: i % 2 === 0,
    }));
    for (let i = 0; i < rows.length; i += 20) {
      await rest.submitTransaction(rows.slice(i, i + 20).map((row) => ["create", row] as const));
    }
    const filter = odata`PartitionKey eq ${"p'q"} and even eq ${true}`;
    const evens: string[] = [];
    for await (const row of rest.listEntities({ filter, select: ["RowKey"] })) evens.push(row.rowKey);
    assert.equal(evens.length, 23);
    assert.equal(evens[0], "row-000");

    const first = await rest.queryPage({ filter: odata`PartitionKey eq ${"p'q"}`, top: 10 });
    assert.equal(first.entities.length, 10);
    assert.ok(first.continuationToken, "a full page says where the next begins");
    const second = await rest.queryPage(
      { filter: odata`PartitionKey eq ${"p'q"}`, top: 10 },
      first.continuationToken,
    );
    assert.equal(second.entities[0]?.rowKey, "row-010");
    // The SDK continues from the same token: tokens handed to clients outlive a change of client.
    const sdkPages = sdk
      .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${"p'q"}` } })
      .byPage({ maxPageSize: 10, continuationToken: first.continuationToken });
    const sdkPage = (await sdkPages.next()).value as TableEntityResult<object>[];
    assert.equal(sdkPage[0]?.rowKey, "row-010");
    await assert.rejects(rest.queryPage({}, "not a token"), RangeError);
  });

  test("a connection string with a SAS instead of the key reads and writes", async () => {
    const { name } = await fresh();
    const sas = generateTableSas(
      name,
      new AzureNamedKeyCredential(DEVELOPMENT_ACCOUNT, DEVELOPMENT_ACCOUNT_KEY),
      {
        permissions: { add: true, query: true, update: true, delete: true },
        expiresOn: new Date(Date.now() + 3_600_000),
      },
    );
    const endpoint = tableAccountOf(azurite.connectionString).endpoint;
    const rest = new TableRest(
      tableAccountOf(`TableEndpoint=${endpoint};SharedAccessSignature=${sas}`),
      name,
    );
    await rest.createEntity({ partitionKey: "p", rowKey: "r", v: "sas" });
    assert.equal((await rest.getEntity("p", "r")).v, "sas");
  });

  test("a service that cannot be reached fails with the network's error, after the retries", async () => {
    const rest = new TableRest(
      {
        accountName: DEVELOPMENT_ACCOUNT,
        endpoint: "http://127.0.0.1:9/devstoreaccount1",
        accountKey: DEVELOPMENT_ACCOUNT_KEY,
      },
      "nowhere",
    );
    await assert.rejects(rest.getEntity("p", "r"), { code: "ECONNREFUSED" });
  });

  test("a service that takes a request and never answers is given up on after the timeout, tried again, then failed", async () => {
    // Accepts connections and reads requests, answering none: a stalled storage endpoint.
    const sockets: Socket[] = [];
    let requests = 0;
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.on("data", (chunk: Buffer) => {
        requests += chunk.toString("latin1").match(/^GET /gm)?.length ?? 0;
      });
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const rest = new TableRest(
        {
          accountName: DEVELOPMENT_ACCOUNT,
          endpoint: `http://127.0.0.1:${port}/${DEVELOPMENT_ACCOUNT}`,
          accountKey: DEVELOPMENT_ACCOUNT_KEY,
        },
        "stalled",
        { requestTimeoutMs: 200 },
      );
      await assert.rejects(rest.getEntity("p", "r"), { code: "ETIMEDOUT", message: /no answer in 200 ms/ });
      assert.equal(requests, 4, "the request was sent four times: once, then three retries");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("Table connection strings and wire formats", () => {
  test("a connection string names the Table endpoint, or the public one is built; what is missing is named", () => {
    assert.deepEqual(
      tableAccountOf(
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net",
      ),
      { accountName: "acct", endpoint: "https://acct.table.core.windows.net", accountKey: "a2V5" },
    );
    assert.equal(
      tableAccountOf("UseDevelopmentStorage=true").endpoint,
      "http://127.0.0.1:10002/devstoreaccount1",
    );
    assert.deepEqual(
      tableAccountOf(
        "TableEndpoint=http://127.0.0.1:1234/devstoreaccount1/;SharedAccessSignature=?sv=1&sig=x",
      ),
      {
        accountName: "devstoreaccount1",
        endpoint: "http://127.0.0.1:1234/devstoreaccount1",
        sharedAccessSignature: "sv=1&sig=x",
      },
    );
    assert.throws(() => tableAccountOf("AccountName=acct"), /no AccountKey or SharedAccessSignature/);
    assert.throws(
      () => tableAccountOf("AccountKey=c2VjcmV0LWtleQ=="),
      (error: Error) =>
        /no AccountName or TableEndpoint/.test(error.message) && !error.message.includes("c2VjcmV0"),
    );
  });

  test("numbers that are not 32-bit integers are sent as Doubles; values the engine never stores are refused", () => {
    assert.deepEqual(
      JSON.parse(entityBody({ partitionKey: "p", rowKey: "r", a: 1, b: 2 ** 31, c: 0.5, d: undefined })),
      {
        PartitionKey: "p",
        RowKey: "r",
        a: 1,
        "b@odata.type": "Edm.Double",
        b: 2 ** 31,
        "c@odata.type": "Edm.Double",
        c: 0.5,
      },
    );
    assert.throws(() => entityBody({ partitionKey: "p", rowKey: "r", when: new Date() }), TypeError);
    assert.throws(() => entityBody({ partitionKey: "p", rowKey: "r", n: Number.NaN }), TypeError);
    assert.deepEqual(
      entityFromJson({
        "odata.etag": "W/1",
        PartitionKey: "p",
        RowKey: "r",
        "big@odata.type": "Edm.Int64",
        big: "5",
      }),
      { etag: "W/1", partitionKey: "p", rowKey: "r", big: 5 },
    );
  });

  test("a transaction's body is one change set of requests, and a rolled-back answer names the failure", () => {
    const { contentType, body } = batchRequest("http://h/acct", "T", [
      ["create", { partitionKey: "p", rowKey: "a" }],
      ["delete", { partitionKey: "p", rowKey: "b" }, { etag: 'W/"1"' }],
    ]);
    const boundary = /boundary=(batch_[0-9a-f-]+)/.exec(contentType)?.[1];
    assert.ok(boundary && body.startsWith(`--${boundary}\r\n`) && body.endsWith(`--${boundary}--\r\n`));
    assert.match(body, /POST http:\/\/h\/acct\/T HTTP\/1\.1\r\n/);
    assert.match(
      body,
      /DELETE http:\/\/h\/acct\/T\(PartitionKey='p',RowKey='b'\) HTTP\/1\.1\r\n[^]*If-Match: W\/"1"/,
    );
    const answers = parseBatchResponse(
      [
        "--batchresponse_1",
        "Content-Type: multipart/mixed; boundary=changesetresponse_2",
        "",
        "--changesetresponse_2",
        "Content-Type: application/http",
        "",
        "HTTP/1.1 412 Precondition Failed",
        "Content-Type: application/json",
        "",
        '{"odata.error":{"code":"UpdateConditionNotSatisfied","message":{"value":"1:The update condition specified in the request was not satisfied."}}}',
        "--changesetresponse_2--",
        "--batchresponse_1--",
      ].join("\r\n"),
    );
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.status, 412);
    assert.equal(answers[0]?.error?.code, "UpdateConditionNotSatisfied");
  });
});

function pick(entity: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, entity[name]]));
}
