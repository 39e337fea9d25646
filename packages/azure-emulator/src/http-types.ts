/** The emulator's internal request/response shapes between the HTTP layer and the ARM provider. */
import type { Principal } from "./dataplane.js";

/** An authenticated ARM request with its body read. */
export interface ArmRequest {
  readonly method: string;
  readonly url: URL;
  /** Decoded URL path. */
  readonly path: string;
  readonly body: Buffer;
  readonly principal: Principal;
}

/** An answer the HTTP layer writes as JSON. */
export interface ArmResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body; omitted for empty answers. */
  readonly body?: unknown;
}
