// The catalogue module's public face: what other modules may call.
export { loadDemoCatalogue } from './demo.ts';
