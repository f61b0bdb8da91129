import { describe, expect, it } from 'vitest';
import { auditDiff, fieldLabel, showValue } from './diff';

describe('auditDiff', () => {
  it('lists every field and marks the changed ones', () => {
    const rows = auditDiff(
      { name: 'A', status: 'active', meta: { x: 1 } },
      { name: 'B', status: 'active', meta: { x: 2 } },
    );
    expect(rows).toEqual([
      { field: 'name', before: 'A', after: 'B', changed: true },
      { field: 'status', before: 'active', after: 'active', changed: false },
      { field: 'meta.x', before: 1, after: 2, changed: true },
    ]);
  });
  it('handles a creation (no before) and a deletion (no after)', () => {
    expect(auditDiff(null, { a: 1 })).toEqual([{ field: 'a', before: undefined, after: 1, changed: true }]);
    expect(auditDiff({ a: 1 }, null)).toEqual([{ field: 'a', before: 1, after: undefined, changed: true }]);
  });
  it('shows values readably', () => {
    expect(showValue(null)).toBe('∅');
    expect(showValue(['a', 'b'])).toBe('a、b');
    expect(showValue([{ a: 1 }])).toBe('[{"a":1}]');
    expect(showValue('x')).toBe('x');
    expect(showValue('2026-11-22T11:29:53.184Z')).toMatch(/^2026-11-2\d \d\d:\d\d:53$/);
  });
  it('names a field by its label, column and API names alike, and in words when it has none', () => {
    const labels: Record<string, string> = { assignee_id: '处理人', meta: '详情' };
    const label = (k: string) => labels[k];
    expect(fieldLabel('assignee_id', label)).toBe('处理人');
    expect(fieldLabel('assigneeId', label)).toBe('处理人');
    expect(fieldLabel('meta.firstResponse', label)).toBe('详情 · first response');
    expect(fieldLabel('birth_date', label)).toBe('birth date');
  });
});
