// Demo data of the segments module: the care segment (customers 65 and over) the demo's care package is bound to.
import type { Database } from '../../db/index.ts';

/** Creates the demo care segment and returns its id. */
export async function loadDemoCareSegment(db: Database): Promise<number> {
  const seg = await db
    .insertInto('segments')
    .values({
      name: '65 岁以上客户 (亲情服务)',
      kind: 'rule',
      rule: JSON.stringify({
        op: 'and',
        // Age relative to the day the segment is counted, not a birth date fixed when the demo was loaded.
        rules: [{ field: 'age', op: 'gte', value: 65 }],
      }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return seg.id;
}
