// The customers module's public face: what other modules may call. Reach the module's data through these, not its
// tables.

export { setKeyCustomer, setSmsOptOut } from './consent.ts';
export { type DialContact, type DialNumber, numberToDial } from './dial.ts';
export {
  recordInteraction,
  recordInteractions,
  type SystemInteraction,
  setInteractionOutcome,
} from './interactions.ts';
export { reassignOwners } from './owners.ts';
export { applyTiers } from './tiers.ts';
export { deleteViewOf, listViewsOf, saveViewOf } from './views.ts';
