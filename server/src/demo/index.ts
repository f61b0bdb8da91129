// Demo data for trying Kefu: the organisation first, then whatever each module adds (customers, tickets …).
import type { Database } from '../db/index.ts';
import { loadDemoCustomers } from './customers.ts';
import { loadDemoOrganisation } from './foundation.ts';

export type DemoOptions = {
  customers?: number;
  onProgress?: (done: number, total: number, label: string) => void;
};
export type DemoStep = (db: Database, opts: DemoOptions) => Promise<void>;

/** Modules append their demo steps here; they run in order after the organisation. */
export const demoSteps: DemoStep[] = [loadDemoCustomers];

export async function loadDemo(db: Database, opts: DemoOptions = {}) {
  const org = await loadDemoOrganisation(db);
  if (org.created) for (const step of demoSteps) await step(db, opts);
  return org;
}

export { DEMO_PASSWORD } from './foundation.ts';
