/**
 * The Functions app's entry (package.json `main`, `dist/functions/index.js`): importing it registers
 * every function — the HTTP API, the queue trigger, the orchestrations and the activities. Loaded by
 * the real Functions host (`func start`, Azure) and by the devhost alike.
 */
import "./http-api";
import "./queue-trigger";
import "../orchestrations/register";
import { registerProvisioningActivities } from "../activities/register";

registerProvisioningActivities();
