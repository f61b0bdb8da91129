// The campaigns module's public face: what other modules may call. Texts to customers go out through its outbox.

export { campaignCallToDial, scopeSql } from './service.ts';
export { queueNoticeSms } from './sms.ts';
