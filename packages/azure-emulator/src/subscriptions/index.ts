/**
 * Subscriptions as ARM sees them: their settings (`settings.ts`), the subscription-level read APIs
 * (`routes.ts`) and what ARM refuses for a subscription's sake (`guard.ts`), behind one object the front
 * door calls.
 */
import type { ArmRequest, ArmResponse } from "../http-types.js";
import type { TypeRegistry } from "../registry.js";
import type { ResourceStore } from "../store.js";
import { refuseForSubscription, type GuardedRequest } from "./guard.js";
import { answerSubscriptionRoute } from "./routes.js";
import { SubscriptionSettings } from "./settings.js";

export {
  SubscriptionSettings,
  subscriptionSettingsSchema,
  type SubscriptionSettingsInput,
} from "./settings.js";
export { subscriptionRouteType } from "./routes.js";

/** The subscriptions of one emulator. */
export interface SubscriptionApi {
  readonly settings: SubscriptionSettings;
  /** Throws the ArmError Azure answers when the request's subscription refuses it. */
  refuse(req: GuardedRequest): void;
  /** Answers a subscription-level API request; undefined when the resource providers answer it. */
  answer(req: ArmRequest): ArmResponse | undefined;
}

/** Options of {@link createSubscriptionApi}. */
export interface SubscriptionApiOptions {
  readonly store: ResourceStore;
  readonly registry: TypeRegistry;
  /** Tenant of every subscription no setting moves: the emulator identity's. */
  readonly defaultTenantId: string;
  now(): number;
  timeScale(): number;
}

export function createSubscriptionApi(options: SubscriptionApiOptions): SubscriptionApi {
  const settings = new SubscriptionSettings(options.defaultTenantId, options.now, options.timeScale);
  const deps = { settings, store: options.store, registry: options.registry };
  return {
    settings,
    refuse: (req) => refuseForSubscription(req, deps),
    answer: (req) => answerSubscriptionRoute(req, deps),
  };
}
