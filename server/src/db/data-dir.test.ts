// A private data folder (mode 0700, as `mktemp -d` makes it) works when Kefu runs as root: PostgreSQL runs as the
// system user postgres, which owns <data>/pg and is given entry to the folder (mode 0710, group postgres) — or the
// start stops with a message saying what to do when a folder above it is closed to that user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DataDirAccessError, prepareDataDirForPostgresUser, startEmbedded } from './embedded.ts';

const asRoot = process.getuid?.() === 0;

describe('private data folders', () => {
  it('the embedded PostgreSQL starts in a 0700 folder and nobody else is let in', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-private-'));
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    const logs: string[] = [];
    try {
      const emb = await startEmbedded(dataDir, { log: (m) => logs.push(m) });
      try {
        const c = new pg.Client({ connectionString: emb.url });
        await c.connect();
        const r = await c.query('select current_database() as d');
        await c.end();
        expect(r.rows[0].d).toBe('kefu');
      } finally {
        await emb.stop();
      }
      const st = fs.statSync(dataDir);
      if (asRoot) {
        const pgGid = Number(fs.statSync(path.join(dataDir, 'pg')).gid);
        expect(st.mode & 0o777).toBe(0o710);
        expect(st.gid).toBe(pgGid);
        expect(fs.statSync(path.join(dataDir, 'pg')).uid).not.toBe(0);
        expect(logs.join('\n')).toMatch(/is private: its group is now postgres/);
      } else expect(st.mode & 0o777).toBe(0o700);
      // Secrets stay the owner's alone.
      expect(fs.statSync(path.join(dataDir, 'pg-password')).mode & 0o777).toBe(0o600);
      // A second start on the same folder changes nothing more.
      const again = await startEmbedded(dataDir);
      await again.stop();
      expect(fs.statSync(dataDir).mode & 0o777).toBe(asRoot ? 0o710 : 0o700);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a data folder inside a folder the database user cannot enter stops with what to do, changing nothing', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-closed-'));
    const dataDir = path.join(parent, 'data');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    try {
      if (asRoot) {
        expect(() => prepareDataDirForPostgresUser(dataDir)).toThrow(DataDirAccessError);
        expect(() => prepareDataDirForPostgresUser(dataDir)).toThrow(
          new RegExp(`cannot enter ${parent} \\(mode 0700\\).*KEFU_DATA_DIR.*chmod o\\+x ${parent}`),
        );
        expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
        expect(fs.statSync(parent).mode & 0o777).toBe(0o700);
        // A folder whose group already has some access is not taken over either.
        fs.chmodSync(parent, 0o755);
        fs.chmodSync(dataDir, 0o750);
        expect(() => prepareDataDirForPostgresUser(dataDir)).toThrow(/cannot enter the data folder.*setfacl/);
        expect(fs.statSync(dataDir).mode & 0o777).toBe(0o750);
      } else {
        // Not root: PostgreSQL runs as this user, who owns the folder; nothing to do.
        expect(() => prepareDataDirForPostgresUser(dataDir)).not.toThrow();
      }
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});
