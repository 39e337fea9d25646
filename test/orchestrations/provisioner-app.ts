/**
 * The app the orchestration tests load into the devhost: the real orchestrations and the real
 * provisioning activities, with emulator-backed clients handed over by the test (`app-clients.ts`)
 * instead of clients built from the process environment.
 */
import * as df from "durable-functions";
import "../../orchestrations/register";
import { registerProvisioningActivities } from "../../activities/register";
import { currentClients } from "./app-clients";

registerProvisioningActivities(df.app, currentClients);
