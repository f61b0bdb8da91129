// The callbacks module's public face: what other modules may call.
export { callbackToDial } from './service.ts';
