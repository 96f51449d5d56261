import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDb, openDb } from '../../db/client.js';
import { loadConfig } from '../config.js';
import { createDeps, type AppDeps } from '../deps.js';
import { systemClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { SEARCH_INDEX_QUEUE } from '../search/search.repository.js';
import { optimizeDatabase, registerSystemJobs } from './system.jobs.js';

const open: Array<{ deps: AppDeps; reader: Database.Database }> = [];
afterEach(async () => {
  for (const { deps, reader } of open.splice(0)) {
    await deps.worker.stop({ timeoutMs: 1_000 });
    reader.close();
    deps.db.$client.close();
  }
});

/** Parley's deps on a real file (WAL), plus a second connection that sees only what is committed. */
function fileDeps() {
  const dir = mkdtempSync(join(tmpdir(), 'parley-system-jobs-'));
  const db = openDb(join(dir, 'parley.db'));
  migrateDb(db);
  const deps = createDeps({ config: loadConfig({ DATA_DIR: dir }), db, clock: systemClock, logger: silentLogger, secretKey: randomBytes(32), mediaDir: join(dir, 'media'), tmpDir: dir, pollMs: 5 });
  const reader = new Database(join(dir, 'parley.db'), { readonly: true });
  open.push({ deps, reader });
  return { deps, reader };
}

function addMessages(deps: AppDeps, texts: string[]) {
  const insert = deps.db.$client.prepare(
    `INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, timestamp, created_at, updated_at)
     VALUES (?, 'cv_1', 'ct_1', 'ch_1', 'inbound', 'text', ?, 'received', 1, 1, 1)`,
  );
  texts.forEach((text, i) => insert.run(`msg_${i}`, text));
}

async function until(ok: () => boolean, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('search.index jobs', () => {
  it('claim, index and complete in one transaction: killed mid-index, no job is left leased to a dead process', async () => {
    const { deps, reader } = fileDeps();
    registerSystemJobs(deps);
    addMessages(deps, ['¿tienen café?', 'delivery today', 'café con leche']);
    const ids = [1, 2, 3].map((n) => deps.jobs.enqueue(SEARCH_INDEX_QUEUE, {}, { idempotencyKey: `s@${n}` })!);
    // While the index is being written, look at the job table from outside, as a restarted process would.
    const seenOutside: string[] = [];
    const jobState = reader.prepare('SELECT state FROM jobs WHERE id = ?');
    deps.db.$client.function('observe_index_write', () => {
      seenOutside.push(...ids.map((id) => (jobState.get(id) as { state: string }).state));
      return 0;
    });
    deps.db.$client.exec(`CREATE TEMP TRIGGER observe_index AFTER UPDATE ON search_state BEGIN SELECT observe_index_write(); END`);

    deps.worker.start();
    await until(() => ids.every((id) => deps.jobs.get(id)!.state === 'done'));
    expect(seenOutside.length).toBeGreaterThan(0);
    expect(new Set(seenOutside)).toEqual(new Set(['queued'])); // the claim commits only with the index
    const hits = reader.prepare(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'cafe'`).get() as { n: number };
    expect(hits.n).toBe(2);
  });
});

describe('system.optimize', () => {
  it('gathers the planner statistics SQLite lacks until asked', () => {
    const { deps } = fileDeps();
    const stats = () => deps.db.$client.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'`).get() as { n: number };
    for (let i = 0; i < 50; i++) deps.jobs.enqueue('demo.stats', { i });
    expect(stats().n).toBe(0);
    optimizeDatabase(deps.db);
    expect(stats().n).toBe(1);
    const rows = deps.db.$client.prepare(`SELECT tbl FROM sqlite_stat1 WHERE tbl = 'jobs'`).all();
    expect(rows.length).toBeGreaterThan(0);
  });
});
