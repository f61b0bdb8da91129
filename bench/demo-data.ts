// Fills a Kefu database with N demo customers (and ~5 interactions each) for the benchmarks:
//   KEFU_DATA_DIR=/tmp/kefu-bench node --import tsx bench/demo-data.ts 1000000
// (or DATABASE_URL=…). Adds to what is there; the demo organisation is loaded first when the database is empty.
import { loadConfig } from '../server/src/config.ts';
import { generateDemoCustomers } from '../server/src/demo/customers.ts';
import { loadDemoOrganisation } from '../server/src/demo/foundation.ts';
import { openDatabase } from '../server/src/platform/bootstrap.ts';

const count = Number(process.argv[2] ?? 100_000);
const bulk = process.argv.includes('--bulk') ? true : process.argv.includes('--no-bulk') ? false : undefined;
const opened = await openDatabase(loadConfig(), { log: (m) => console.error(m) });
try {
  await loadDemoOrganisation(opened.owner.db);
  const t0 = Date.now();
  let last = 0;
  const totals = await generateDemoCustomers(opened.owner.db, {
    count,
    bulk,
    onProgress: (done, total, label) => {
      if (Date.now() - last > 5000 || done === total) {
        last = Date.now();
        console.error(`${label}: ${done}/${total} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
    },
  });
  await opened.pool.query('analyze');
  const s = (Date.now() - t0) / 1000;
  console.log(
    JSON.stringify({ ...totals, seconds: s, customersPerSecond: Math.round(totals.customers / s) }),
  );
} finally {
  await opened.close();
}
