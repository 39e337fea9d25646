/**
 * The clients the test app's activities use. A module of its own, so a test can set them without
 * importing the app (which must first be imported by the devhost, to capture its registrations).
 */
import type { AzureClients } from "../../lib/azure/clients";

let clients: AzureClients | undefined;

/** Sets the clients the activities use; call before the first activity runs. */
export function useClients(next: AzureClients): void {
  clients = next;
}

/** The clients set by {@link useClients}. */
export function currentClients(): AzureClients {
  if (!clients) throw new Error("useClients() was not called before the first activity");
  return clients;
}
