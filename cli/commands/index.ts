export { historyCommand } from "./history";
export { importOptaCommand } from "./import-opta";
export { loginCommand } from "./login";
export { permissionsCommand } from "./permissions";
export { planCommand } from "./plan";
export { validateCommand } from "./validate";
export { UsageError, isUsageError, type CliCommand } from "./command";
