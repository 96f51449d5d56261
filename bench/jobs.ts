// npm run bench:jobs [-- --jobs 100000 --rounds 3]
// Parley's job table (store + worker) against the same work as bare better-sqlite3 statements, in one run.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateDb, openDb } from '../db/client.js';
import { createJobStore } from '../server/jobs/jobs.store.js';
import { createWorker } from '../server/jobs/jobs.worker.js';
import { systemClock } from '../server/lib/clock.js';
import { silentLogger } from '../server/lib/logger.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
const N = Number(values.jobs);
const ROUNDS = Number(values.rounds);
const BATCH = 1_000;
const CLAIM = 100;

interface Result {
  enqueue: number;
  process: number;
}

function freshFile() {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  return { file: join(dir, 'parley.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function parley(): Promise<Result> {
  const { file, cleanup } = freshFile();
  const db = openDb(file);
  migrateDb(db);
  const store = createJobStore(db, systemClock);

  let t = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    db.transaction(() => {
      for (let j = i; j < Math.min(N, i + BATCH); j++) store.enqueue('bench.noop', { j });
    });
  }
  const enqueueMs = performance.now() - t;

  const worker = createWorker({ store, clock: systemClock, logger: silentLogger });
  let seen = 0;
  let finish!: () => void;
  const allSeen = new Promise<void>((r) => (finish = r));
  worker.register('bench.noop', () => {
    if (++seen === N) finish();
  }, { concurrency: CLAIM });
  t = performance.now();
  worker.start();
  await allSeen;
  await worker.stop();
  const processMs = performance.now() - t;
  const done = (db.$client.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'done'`).get() as { n: number }).n;
  if (done !== N) throw new Error(`parley: ${done} of ${N} jobs done`);
  db.$client.close();
  cleanup();
  return { enqueue: N / (enqueueMs / 1000), process: N / (processMs / 1000) };
}

/** The same table, indexes and work with hand-written statements: the floor Parley's abstractions sit on. */
function bare(): Result {
  const { file, cleanup } = freshFile();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 8000');
  db.exec(`CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL, lease_token TEXT, idempotency_key TEXT, last_error TEXT,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE UNIQUE INDEX u ON jobs (queue, idempotency_key) WHERE idempotency_key IS NOT NULL;
    CREATE INDEX due ON jobs (queue, run_at) WHERE state IN ('queued', 'running');
    CREATE INDEX dead ON jobs (updated_at) WHERE state = 'dead';`);
  const insert = db.prepare(`INSERT INTO jobs (queue, payload, max_attempts, run_at, created_at, updated_at) VALUES (?, ?, 10, ?, ?, ?)`);
  const claim = db.prepare(`UPDATE jobs SET state = 'running', lease_token = ?, run_at = ?, attempts = attempts + 1
    WHERE id IN (SELECT id FROM jobs WHERE queue = ? AND state IN ('queued', 'running') AND run_at <= ? ORDER BY run_at LIMIT ?)
    RETURNING id, payload`);
  const complete = db.prepare(`UPDATE jobs SET state = 'done', lease_token = NULL WHERE id = ? AND lease_token = ?`);
  const completeAll = db.transaction((rows: { id: number }[], token: string) => {
    for (const r of rows) complete.run(r.id, token);
  });

  let t = performance.now();
  const insertBatch = db.transaction((from: number) => {
    const now = Date.now();
    for (let j = from; j < Math.min(N, from + BATCH); j++) insert.run('bench.noop', JSON.stringify({ j }), now, now, now);
  });
  for (let i = 0; i < N; i += BATCH) insertBatch(i);
  const enqueueMs = performance.now() - t;

  t = performance.now();
  let n = 0;
  for (let k = 0; ; k++) {
    const now = Date.now();
    const token = `b.${k}`;
    const rows = claim.all(token, now + 60_000, 'bench.noop', now, CLAIM) as { id: number; payload: string }[];
    if (rows.length === 0) break;
    for (const r of rows) JSON.parse(r.payload);
    completeAll(rows, token);
    n += rows.length;
  }
  const processMs = performance.now() - t;
  if (n !== N) throw new Error(`bare: ${n} of ${N} jobs done`);
  db.close();
  cleanup();
  return { enqueue: N / (enqueueMs / 1000), process: N / (processMs / 1000) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const k = (x: number) => `${(x / 1000).toFixed(1)} k/s`.padStart(12);

const p: Result[] = [];
const b: Result[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which runs first so drift on a noisy machine hits both sides alike.
  if (r % 2 === 0) (b.push(bare()), p.push(await parley()));
  else (p.push(await parley()), b.push(bare()));
}

console.log(`bench/jobs: ${N} no-op jobs, file database, WAL + synchronous=FULL, claim batches of ${CLAIM}, median of ${ROUNDS} rounds`);
console.log(`${'loop'.padEnd(24)}${'Parley'.padStart(12)}${'bare SQL'.padStart(12)}${'ratio'.padStart(8)}`);
for (const [name, key] of [
  ['enqueue (1000 per tx)', 'enqueue'],
  ['claim + complete', 'process'],
] as const) {
  const pm = median(p.map((x) => x[key]));
  const bm = median(b.map((x) => x[key]));
  console.log(`${name.padEnd(24)}${k(pm)}${k(bm)}${`${Math.round((pm / bm) * 100)} %`.padStart(8)}`);
}
