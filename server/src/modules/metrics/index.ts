// The metrics module's public face: what other modules may call.
export { loadDemoMetrics } from './demo.ts';
export { refreshCurrentMetrics } from './service.ts';
