// The tickets module's public face: what other modules may call.

export { publicBaseUrl } from './mail.ts';
export { ticketToCall } from './service.ts';
