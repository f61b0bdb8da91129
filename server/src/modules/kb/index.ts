// The kb module's public face: what other modules may call.
export { renderTemplate } from './service.ts';
