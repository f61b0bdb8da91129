// The customers module's public face: what other modules may call. Reach the module's data through these, not its
// tables.

export { setKeyCustomer, setSmsOptOut } from './consent.ts';
export { type CustomFieldDef, loadCustomFields } from './custom-fields.ts';
export { type DialContact, type DialNumber, numberToDial } from './dial.ts';
export { csvLine, UTF8_BOM } from './import/csv-write.ts';
export { headerKey } from './import/fields.ts';
export { FileFormatError, readRecords } from './import/read.ts';
export {
  recordInteraction,
  recordInteractions,
  type SystemInteraction,
  setInteractionOutcome,
} from './interactions.ts';
export { maskPii } from './mask.ts';
export { type MergeStep, registerCustomerMerge } from './merge.ts';
export { reassignOwners } from './owners.ts';
export {
  assertCustomerVisible,
  insertHistory,
  lockCustomer,
  SUMMARY_COLUMNS,
  scopedCustomers,
} from './repo.ts';
export { FILTER_OPS, ZCustomerPage } from './schema.ts';
export { compileFilter, customerSearchQuery } from './search.ts';
export { customerSummaryOut } from './service.ts';
export { applyTiers } from './tiers.ts';
export { deleteViewOf, listViewsOf, saveViewOf } from './views.ts';
