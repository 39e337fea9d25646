export * from "./types";
export * from "./errors";
export * from "./table";
export * from "./environment-records";
export * from "./request-results";
export * from "./operation-outcome";
export * from "./audit-log";
