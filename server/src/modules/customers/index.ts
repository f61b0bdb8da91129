// The customers module's public face: what other modules may call. Reach the module's data through these, not its
// tables.
export { recordInteraction, recordInteractions, type SystemInteraction } from './interactions.ts';
