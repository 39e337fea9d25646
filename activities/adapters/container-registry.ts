/** Adapter for container registries (a modular client, `properties` flattened). */
import type { Registry } from "@azure/arm-containerregistry";
import { asModel, submitted, type ArmAdapter } from "./types";

export const containerRegistryAdapter: ArmAdapter = {
  armType: "Microsoft.ContainerRegistry/registries",
  permissions: {
    actions: [
      "Microsoft.ContainerRegistry/registries/read",
      "Microsoft.ContainerRegistry/registries/write",
      "Microsoft.ContainerRegistry/registries/delete",
      // Create and update report under the registry's `operationStatuses`; delete under `operationResults`.
      "Microsoft.ContainerRegistry/registries/operationStatuses/read",
      "Microsoft.ContainerRegistry/locations/operationResults/read",
    ],
  },
  facts: { loginServer: ["loginServer"] },
  get: (c, id) => c.containerRegistry.registries.get(id.resourceGroup, id.name),
  write: ({ clients, id }, body, options) =>
    submitted(
      clients.containerRegistry.registries.create(
        id.resourceGroup,
        id.name,
        asModel<Registry>(body),
        options,
      ),
    ),
  remove: (c, id, options) =>
    submitted(c.containerRegistry.registries.delete(id.resourceGroup, id.name, options)),
};
