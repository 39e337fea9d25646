export { validateSpec } from "./validate";
export { parseSpecText, MAX_SPEC_BYTES, MAX_ALIAS_COUNT, MAX_NESTING_DEPTH } from "./parse";
export { SpecValidationError, isSpecValidationError, parseEnvironmentSpec } from "./errors";
export type * from "./types";
