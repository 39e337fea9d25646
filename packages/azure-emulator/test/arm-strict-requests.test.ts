/**
 * Strict request checking: the emulator refuses what the api-version does not define, as ARM does, so a
 * typo in a caller fails a test instead of being silently dropped. Driven by each type's definition table
 * (`ResourceTypeSpec.schemas`); a type without one is listed as missing.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { NETWORK_SCHEMAS, requestProblems, responseProblems, storedPart } from "../src/arm-schema/index.js";
import type { RunningEmulator } from "../src/index.js";
import { RESOURCE_TYPE_SPECS } from "../src/registry.js";
import { armClients, LOCATION, poll, resourceId, type ArmClients } from "./fixtures.js";
import { errorCode, rawRequest, startTestEmulator } from "./harness.js";

describe("definition tables", () => {
  test("every served type declares the definition of the api-version it serves", () => {
    const missing = RESOURCE_TYPE_SPECS.filter((spec) => !spec.schemas || spec.schemas.length === 0).map(
      (spec) => spec.type,
    );
    assert.deepEqual(
      missing,
      [],
      `these types are served without a definition table, so their requests are not checked: ${missing.join(", ")} — add one in src/arm-schema/definitions/ and reference it from the type's spec`,
    );
  });

  test("a request member the definition lacks, or of the wrong JSON type, is a problem with its path", () => {
    const problems = requestProblems(
      {
        location: "eastus",
        properties: { addressPrefix: "10.0.0.0/24", natGatway: { id: "x" }, defaultOutboundAccess: "no" },
      },
      NETWORK_SCHEMAS.subnet.resource,
      { requireMembers: true },
    );
    assert.deepEqual(
      problems.map((p) => [p.kind, p.path]),
      [
        ["unknown-member", "location"],
        ["unknown-member", "properties.natGatway"],
        ["wrong-type", "properties.defaultOutboundAccess"],
      ],
    );
  });

  test("read-only members are accepted in requests and not kept; write-only members are kept out of answers", () => {
    const sent = {
      location: "eastus",
      properties: {
        provisioningState: "Bogus",
        securityRules: [
          {
            name: "r",
            properties: {
              protocol: "Tcp",
              access: "Allow",
              priority: 100,
              direction: "Inbound",
              provisioningState: "x",
            },
          },
        ],
      },
    };
    assert.deepEqual(
      requestProblems(sent, NETWORK_SCHEMAS.networkSecurityGroup.resource, { requireMembers: true }),
      [],
    );
    assert.deepEqual(storedPart(sent, NETWORK_SCHEMAS.networkSecurityGroup.resource), {
      location: "eastus",
      properties: {
        securityRules: [
          {
            name: "r",
            properties: { protocol: "Tcp", access: "Allow", priority: 100, direction: "Inbound" },
          },
        ],
      },
    });
  });

  test("an answer with a member the definition lacks is a problem", () => {
    const problems = responseProblems(
      { id: "x", etag: "y", properties: { made: 1 } },
      NETWORK_SCHEMAS.natGateway.resource,
    );
    assert.deepEqual(
      problems.map((p) => [p.kind, p.path]),
      [["unknown-member", "properties.made"]],
    );
  });
});

describe("strict requests against the emulator", () => {
  let emulator: RunningEmulator;
  let clients: ArmClients;
  const rg = "rg-strict";

  before(async () => {
    emulator = await startTestEmulator();
    clients = armClients(emulator);
    await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
  });
  after(() => emulator.stop());

  const put = (path: string, apiVersion: string, body: unknown) =>
    rawRequest(emulator, "PUT", `${path}?api-version=${apiVersion}`, { body: JSON.stringify(body) });

  test("fails with 400 InvalidRequestContent naming a misspelt member, as an UnrecognizedProperty detail", async () => {
    const answer = await put(resourceId(rg, "Microsoft.Network/natGateways/typo"), "2025-05-01", {
      location: LOCATION,
      sku: { name: "Standard" },
      properties: { idleTimeoutInMinute: 4 },
    });
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), "InvalidRequestContent");
    const error = (answer.body as { error: { message: string; target: string; details: { code: string }[] } })
      .error;
    assert.equal(error.target, "properties.idleTimeoutInMinute");
    assert.match(
      error.message,
      /Could not find member 'idleTimeoutInMinute' on object of type 'NatGatewayPropertiesFormat'/,
    );
    assert.equal(error.details[0]?.code, "UnrecognizedProperty");
  });

  test("fails with 400 InvalidRequestContent for a value of the wrong JSON type", async () => {
    const answer = await put(resourceId(rg, "Microsoft.Network/natGateways/wrong"), "2025-05-01", {
      location: LOCATION,
      properties: { idleTimeoutInMinutes: "four" },
    });
    assert.equal(answer.status, 400);
    assert.match(JSON.stringify(answer.body), /properties\.idleTimeoutInMinutes/);
  });

  test("fails with 400 NoRegisteredProviderFound for an api-version the type does not have", async () => {
    const answer = await put(resourceId(rg, "Microsoft.Network/natGateways/old"), "2019-02-01", {
      location: LOCATION,
    });
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), "NoRegisteredProviderFound");
    assert.match(JSON.stringify(answer.body), /2025-05-01/);
  });

  test("fails with 400 LocationNotAvailableForResourceType for a location that is not a region", async () => {
    const answer = await put(
      resourceId(rg, "Microsoft.Network/networkSecurityGroups/nowhere"),
      "2025-05-01",
      {
        location: "location1",
      },
    );
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), "LocationNotAvailableForResourceType");
  });

  test("a PATCH is read against the PATCH definition: network updateTags takes tags only", async () => {
    await clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      rg,
      "tagged",
      { location: LOCATION },
      poll,
    );
    const path = resourceId(rg, "Microsoft.Network/networkSecurityGroups/tagged");
    const refused = await rawRequest(emulator, "PATCH", `${path}?api-version=2025-05-01`, {
      body: JSON.stringify({ tags: { a: "b" }, properties: { flushConnection: true } }),
    });
    assert.equal(refused.status, 400);
    assert.equal((refused.body as { error: { target: string } }).error.target, "properties");
    const updated = await clients.network.networkSecurityGroups.updateTags(rg, "tagged", {
      tags: { a: "b" },
    });
    assert.deepEqual(updated.tags, { a: "b" });
  });

  test("a write-only member is accepted and never answered: the PostgreSQL admin password", async () => {
    const server = await clients.postgres.servers.beginCreateOrUpdateAndWait(
      rg,
      "pg-strict-0001",
      {
        location: LOCATION,
        sku: { name: "Standard_B1ms", tier: "Burstable" },
        administratorLogin: "strictadmin",
        administratorLoginPassword: "Strict-Passw0rd!",
        version: "17",
      },
      poll,
    );
    assert.equal(server.administratorLoginPassword, undefined);
    const raw = await rawRequest(
      emulator,
      "GET",
      `${resourceId(rg, "Microsoft.DBforPostgreSQL/flexibleServers/pg-strict-0001")}?api-version=2025-08-01`,
    );
    assert.doesNotMatch(JSON.stringify(raw.body), /Strict-Passw0rd/);
  });
});
