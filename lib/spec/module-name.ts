/** The `name` every module may carry, shared by every module schema. */
import { z } from "zod";

/**
 * A module's name: 1–20 of a-z, 0-9 and `-`, starting with a letter, not ending with `-` (it becomes part
 * of Key Vault secret names, Kubernetes Secret keys and Key Vault certificate names).
 */
export const moduleName = z.string().regex(/^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$/, {
  error:
    "must be 1–20 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen",
});
