export { trackingPlugin, TRACKING_PLUGIN_NAME } from './plugin.ts';
export type { TrackingOptions, TrackingPlugin } from './plugin.ts';
export { TRACKING_ENV, trackingEnabledByEnvironment } from './tracking-settings.ts';
