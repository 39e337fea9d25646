/**
 * Storage accounts, their blob service and blob containers as the REST API describes them: the account
 * PUT accepted with `Location` and DELETE synchronous, ARM's naming rules (3-24 lower-case alphanumerics,
 * globally unique), the endpoints, infrastructure encryption fixed at create, the blob service's
 * versioning and soft delete, containers refusing public access on an account that forbids it, and a
 * private endpoint with group id `blob`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, poll, resourceId, subnetId, type ArmClients } from "./fixtures.js";
import {
  clientOptions,
  credential,
  errorCode,
  headerOf,
  jsonRequest,
  startTestEmulator,
  type RawAnswer,
} from "./harness.js";

const API = "api-version=2025-08-01";
const rg = "rg-storage";
/** A subscription other than the fixtures' (every subscription exists in the emulator). */
const OTHER_SUBSCRIPTION = "5ab5ab5a-0000-4000-8000-0000000000f2";

let emulator: RunningEmulator;
let clients: ArmClients;

const accountPath = (name: string, group = rg) =>
  `${resourceId(group, `Microsoft.Storage/storageAccounts/${name}`)}?${API}`;
const blobServicePath = (name: string) =>
  `${resourceId(rg, `Microsoft.Storage/storageAccounts/${name}/blobServices/default`)}?${API}`;
const containerPath = (name: string, container: string) =>
  `${resourceId(rg, `Microsoft.Storage/storageAccounts/${name}/blobServices/default/containers/${container}`)}?${API}`;

const accountBody = (extra: Record<string, unknown> = {}) => ({
  location: LOCATION,
  sku: { name: "Standard_ZRS" },
  kind: "StorageV2",
  properties: {
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    publicNetworkAccess: "Disabled",
    minimumTlsVersion: "TLS1_2",
    encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true },
    ...extra,
  },
});

const send = (method: string, path: string, body?: unknown): Promise<RawAnswer> =>
  jsonRequest(emulator, method, path, body);

interface Resource {
  name: string;
  properties: Record<string, unknown>;
}

async function createAccount(name: string, body = accountBody()): Promise<Resource> {
  const answer = await send("PUT", accountPath(name), body);
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  for (let attempt = 0; attempt < 200; attempt++) {
    const got = await send("GET", accountPath(name));
    const resource = got.body as Resource;
    if (got.status === 200 && resource.properties?.provisioningState === "Succeeded") return resource;
    await delay(20);
  }
  throw new Error(`${name} never settled`);
}

before(async () => {
  emulator = await startTestEmulator();
  clients = armClients(emulator);
  await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
});
after(() => emulator.stop());

describe("storage accounts", () => {
  test("PUT answers 202 with Location; the account then answers its endpoints and what was asked; DELETE is synchronous", async () => {
    const answer = await send("PUT", accountPath("stlro01"), accountBody());
    assert.equal(answer.status, 202);
    assert.ok(headerOf(answer, "location"), "Location is sent");
    await createAccount("stlro02");
    const account = (await send("GET", accountPath("stlro02"))).body as Resource;
    assert.deepEqual(
      (account.properties.primaryEndpoints as { blob: string }).blob,
      "https://stlro02.blob.core.windows.net/",
    );
    assert.equal(account.properties.allowSharedKeyAccess, false);
    assert.equal(account.properties.publicNetworkAccess, "Disabled");
    const removed = await send("DELETE", accountPath("stlro02"));
    assert.equal(removed.status, 200);
    assert.equal((await send("GET", accountPath("stlro02"))).status, 404);
  });

  test("fails names outside 3-24 lower-case letters and digits", async () => {
    for (const name of ["ab", "a".repeat(25), "Upper01", "with-hyphen"]) {
      const answer = await send("PUT", accountPath(name), accountBody());
      assert.equal(answer.status, 400, name);
      assert.equal(errorCode(answer), "InvalidResourceName", name);
    }
  });

  test("fails a name another account holds anywhere (the endpoints are global), worded apart within the subscription", async () => {
    await clients.resources.resourceGroups.createOrUpdate("rg-storage-other", { location: LOCATION });
    await createAccount("sttaken01");
    const here = await send("PUT", accountPath("sttaken01", "rg-storage-other"), accountBody());
    assert.deepEqual([here.status, errorCode(here)], [409, "StorageAccountInAnotherResourceGroup"]);
    await new ResourceManagementClient(
      credential,
      OTHER_SUBSCRIPTION,
      clientOptions(emulator),
    ).resourceGroups.createOrUpdate("rg-storage-there", { location: LOCATION });
    const there = await send(
      "PUT",
      `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/rg-storage-there/providers/Microsoft.Storage/storageAccounts/sttaken01?${API}`,
      accountBody(),
    );
    assert.deepEqual([there.status, errorCode(there)], [409, "StorageAccountAlreadyTaken"]);
  });

  test("fails turning infrastructure encryption off after create", async () => {
    await createAccount("stinfra01");
    const answer = await send(
      "PUT",
      accountPath("stinfra01"),
      accountBody({ encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: false } }),
    );
    assert.equal(answer.status, 400);
    assert.match(JSON.stringify(answer.body), /requireInfrastructureEncryption/);
  });
});

describe("the blob service and containers", () => {
  before(async () => {
    await createAccount("stblob01");
  });

  test("takes versioning and soft delete on the service named default, and fails soft delete without days", async () => {
    const set = await send("PUT", blobServicePath("stblob01"), {
      properties: { isVersioningEnabled: true, deleteRetentionPolicy: { enabled: true, days: 7 } },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const read = (await send("GET", blobServicePath("stblob01"))).body as Resource;
    assert.equal(read.properties.isVersioningEnabled, true);
    assert.deepEqual(read.properties.deleteRetentionPolicy, {
      enabled: true,
      days: 7,
      allowPermanentDelete: false,
    });
    const noDays = await send("PUT", blobServicePath("stblob01"), {
      properties: { deleteRetentionPolicy: { enabled: true } },
    });
    assert.equal(noDays.status, 400);
  });

  test("creates private containers and fails public access on an account that forbids it", async () => {
    const created = await send("PUT", containerPath("stblob01", "uploads"), { properties: {} });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((created.body as Resource).properties.publicAccess, "None");
    const open = await send("PUT", containerPath("stblob01", "public"), {
      properties: { publicAccess: "Blob" },
    });
    assert.equal(open.status, 400);
    assert.equal(errorCode(open), "PublicAccessNotPermitted");
    const badName = await send("PUT", containerPath("stblob01", "Bad--Name"), { properties: {} });
    assert.equal(badName.status, 400);
  });
});

describe("private endpoints to a storage account", () => {
  test("connect with group id blob; another group id fails", async () => {
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      "vnet-st",
      { location: LOCATION, addressSpace: { addressPrefixes: ["10.7.0.0/16"] } },
      poll,
    );
    await clients.network.subnets.beginCreateOrUpdateAndWait(
      rg,
      "vnet-st",
      "pe",
      { addressPrefix: "10.7.1.0/24", privateEndpointNetworkPolicies: "Disabled" },
      poll,
    );
    await createAccount("stprivate01");
    const endpoint = (groupIds: string[]) => ({
      location: LOCATION,
      subnet: { id: subnetId(rg, "vnet-st", "pe") },
      privateLinkServiceConnections: [
        {
          name: "st",
          privateLinkServiceId: resourceId(rg, "Microsoft.Storage/storageAccounts/stprivate01"),
          groupIds,
        },
      ],
    });
    const created = await clients.network.privateEndpoints.beginCreateOrUpdateAndWait(
      rg,
      "pe-st",
      endpoint(["blob"]),
      poll,
    );
    assert.deepEqual(
      created.customDnsConfigs?.map((c) => c.fqdn),
      ["stprivate01.blob.core.windows.net"],
    );
    await assert.rejects(
      clients.network.privateEndpoints.beginCreateOrUpdateAndWait(
        rg,
        "pe-st-wrong",
        endpoint(["registry"]),
        poll,
      ),
      (error: { code?: string }) => error.code === "InvalidPrivateLinkGroupId",
    );
  });
});
