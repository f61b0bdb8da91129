// Nightly tier recomputation (after the metrics refresh at 01:10): every customer's value tier from the Pareto
// cut-offs, changes recorded.
import { defineJob } from '../../platform/jobs.ts';
import { recomputeTiers } from './service.ts';

defineJob(
  'tiers_recompute',
  async (_payload, { db, log }) => {
    const r = await recomputeTiers(db);
    log('value tiers recomputed', r);
  },
  '40 1 * * *',
);
