import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDb, openDb, openTestDb } from '../../db/client.js';
import { manualClock } from '../lib/clock.js';
import { createAppMetrics } from './metrics.catalog.js';
import { registerCollectors } from './metrics.collectors.js';

const line = (text: string, series: string) => text.split('\n').find((l) => l.startsWith(`${series} `));

describe('scrape-time collectors', () => {
  it('sum a large media table over several scrapes and publish the total once a pass completes', () => {
    const db = openTestDb();
    const metrics = createAppMetrics();
    registerCollectors(metrics, { db, clock: manualClock(), inflight: () => ({}), mediaRowsPerScrape: 2 });
    const insert = db.$client.prepare(`INSERT INTO media (id, channel_id, direction, size, state, created_at, updated_at) VALUES (?, 'ch_1', 'inbound', ?, ?, 1, 1)`);
    insert.run('med_1', 100, 'ready');
    insert.run('med_2', 999, 'pending');
    insert.run('med_3', 20, 'ready');
    insert.run('med_4', 999, 'failed');
    insert.run('med_5', 3, 'ready');
    // Rows 1–2, then 3–4: no total yet (absent rather than a wrong number).
    expect(line(metrics.registry.render(), 'parley_media_stored_bytes')).toBeUndefined();
    expect(line(metrics.registry.render(), 'parley_media_stored_bytes')).toBeUndefined();
    let text = metrics.registry.render(); // row 5 and the end of the table
    expect(line(text, 'parley_media_stored_bytes')).toBe('parley_media_stored_bytes 123');
    expect(line(text, 'parley_media_stored_files')).toBe('parley_media_stored_files 3');
    // The next pass starts over and sees changes (a purge, a new download).
    db.$client.prepare(`UPDATE media SET state = 'purged' WHERE id = 'med_1'`).run();
    for (let i = 0; i < 3; i++) text = metrics.registry.render();
    expect(line(text, 'parley_media_stored_bytes')).toBe('parley_media_stored_bytes 23');
  });

  it('report the database size of an in-memory database from its pages, and no WAL', () => {
    const db = openTestDb();
    const metrics = createAppMetrics();
    registerCollectors(metrics, { db, clock: manualClock(), inflight: () => ({}) });
    const text = metrics.registry.render();
    const bytes = (db.$client.pragma('page_count', { simple: true }) as number) * (db.$client.pragma('page_size', { simple: true }) as number);
    expect(line(text, 'parley_db_size_bytes{file="db"}')).toBe(`parley_db_size_bytes{file="db"} ${bytes}`);
    expect(line(text, 'parley_db_size_bytes{file="wal"}')).toBe('parley_db_size_bytes{file="wal"} 0');
  });

  it('report the database file and its write-ahead log as they are on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-metrics-'));
    const file = join(dir, 'parley.db');
    const db = openDb(file);
    try {
      migrateDb(db);
      const metrics = createAppMetrics();
      registerCollectors(metrics, { db, clock: manualClock(), inflight: () => ({}) });
      const text = metrics.registry.render();
      const wal = statSync(`${file}-wal`).size;
      expect(wal).toBeGreaterThan(0); // migrations wrote through the WAL; no checkpoint has run yet
      expect(line(text, 'parley_db_size_bytes{file="db"}')).toBe(`parley_db_size_bytes{file="db"} ${statSync(file).size}`);
      expect(line(text, 'parley_db_size_bytes{file="wal"}')).toBe(`parley_db_size_bytes{file="wal"} ${wal}`);
    } finally {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
