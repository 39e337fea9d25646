/**
 * The records find their storage account the way the Functions host finds `AzureWebJobsStorage`: a
 * connection string locally, identity-based settings on Azure (where the account refuses shared keys).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ManagedIdentityCredential } from "@azure/identity";
import { storageConnectionFrom, storageCredentialOf } from "../../functions/records";

describe("the records' storage connection", () => {
  test("is the connection string when AzureWebJobsStorage holds one (Azurite, key-based accounts)", () => {
    assert.deepEqual(storageConnectionFrom({ AzureWebJobsStorage: "UseDevelopmentStorage=true" }), {
      kind: "connectionString",
      connectionString: "UseDevelopmentStorage=true",
    });
  });

  test("prefers the connection string when both forms are set, as the host does for an exact match", () => {
    const connection = storageConnectionFrom({
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      AzureWebJobsStorage__tableServiceUri: "https://acct.table.core.windows.net",
    });
    assert.equal(connection?.kind, "connectionString");
  });

  test("is the Table and Blob service URIs with the user-assigned identity the template sets", () => {
    assert.deepEqual(
      storageConnectionFrom({
        AzureWebJobsStorage__blobServiceUri: "https://acct.blob.core.windows.net",
        AzureWebJobsStorage__queueServiceUri: "https://acct.queue.core.windows.net",
        AzureWebJobsStorage__tableServiceUri: "https://acct.table.core.windows.net/",
        AzureWebJobsStorage__credential: "managedidentity",
        AzureWebJobsStorage__clientId: "11111111-2222-3333-4444-555555555555",
      }),
      {
        kind: "identity",
        tableServiceUri: "https://acct.table.core.windows.net",
        blobServiceUri: "https://acct.blob.core.windows.net",
        managedIdentity: true,
        clientId: "11111111-2222-3333-4444-555555555555",
      },
    );
  });

  test("derives the public-cloud Table and Blob endpoints from __accountName", () => {
    assert.deepEqual(storageConnectionFrom({ AzureWebJobsStorage__accountName: "acct" }), {
      kind: "identity",
      tableServiceUri: "https://acct.table.core.windows.net",
      blobServiceUri: "https://acct.blob.core.windows.net",
      managedIdentity: false,
    });
  });

  test("treats empty values as unset (local.settings.json leaves settings empty)", () => {
    assert.equal(
      storageConnectionFrom({ AzureWebJobsStorage: "  ", AzureWebJobsStorage__accountName: "" }),
      undefined,
    );
    assert.equal(storageConnectionFrom({}), undefined);
  });

  test("authenticates as the managed identity when __credential is managedidentity", () => {
    const credential = storageCredentialOf({
      kind: "identity",
      tableServiceUri: "https://acct.table.core.windows.net",
      managedIdentity: true,
      clientId: "11111111-2222-3333-4444-555555555555",
    });
    assert.ok(credential instanceof ManagedIdentityCredential);
  });
});
