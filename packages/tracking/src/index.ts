export { contentKey } from "./artifacts/content-key.js";
export { trackingMigrations } from "./schema/migrations.js";
export { openTrackingContext, type TrackingBackends, type TrackingContext } from "./tracking-context.js";
