// The segments module's public face: what other modules may call.

export { checkRule, compileRule, type RuleGroup, ZRule } from './compile.ts';
export { loadDemoCareSegment } from './demo.ts';
export { segmentCustomerQuery, segmentCustomerQueryForSystem } from './service.ts';
