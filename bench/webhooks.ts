// npm run bench:webhooks [-- --seconds 8 --rounds 2 --connections 50 --messages 20000]
// 1) Webhook ingest: bare Hono vs Parley's route, each pinned to core 0, loaded by autocannon on core 1.
// 2) End to end: stored webhooks → messages queryable, by Parley's worker.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateDb, openDb } from '../db/client.js';
import { loadConfig } from '../server/config.js';
import { createDeps } from '../server/deps.js';
import { systemClock } from '../server/lib/clock.js';
import { silentLogger } from '../server/lib/logger.js';
import { prepareDataDir } from '../server/system/data-dir.js';
import { registerWhatsAppJobs } from '../server/whatsapp/whatsapp.jobs.js';
import { BENCH_CHANNEL, benchWebhook } from './webhook-payload.js';
import { load as loadWith, pinned, startServer, type Load } from './webhook-load.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    messages: { type: 'string', default: '20000' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const MESSAGES = Number(values.messages);
const load = (url: string, bodyFile: string, signature: string, seconds: number) => loadWith(url, bodyFile, signature, seconds, CONNECTIONS);

async function measureIngest() {
  const { body, signature } = benchWebhook(1);
  const bodyFile = join(mkdtempSync(join(tmpdir(), 'parley-bench-body-')), 'body.json');
  writeFileSync(bodyFile, body);
  const results: Record<'bare' | 'durable' | 'parley', Load[]> = { bare: [], durable: [], parley: [] };
  let port = 39_000 + Math.floor(Math.random() * 1000);
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of r % 2 === 0 ? (['bare', 'durable', 'parley'] as const) : (['parley', 'durable', 'bare'] as const)) {
      const child = await startServer(mode, ++port);
      const url = `http://127.0.0.1:${port}/webhooks/whatsapp`;
      await load(url, bodyFile, signature, 1); // warm-up: JIT, connection pool, SQLite cache
      results[mode].push(await load(url, bodyFile, signature, SECONDS));
      child.kill('SIGKILL');
    }
  }
  return { results, size: Buffer.byteLength(body) };
}

async function measureProcessing() {
  const layout = prepareDataDir(mkdtempSync(join(tmpdir(), 'parley-bench-e2e-')));
  const db = openDb(layout.dbFile);
  migrateDb(db);
  const deps = createDeps({ config: loadConfig({ DATA_DIR: layout.root }), db, clock: systemClock, logger: silentLogger, secretKey: randomBytes(32), mediaDir: layout.media, tmpDir: layout.tmp, pollMs: 5 });
  const channel = deps.channels.create({ ...BENCH_CHANNEL, accessToken: 'bench-token-000', verifyToken: 'bench-verify' });
  const stores: Promise<void>[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const { body, signature } = benchWebhook(i);
    stores.push(deps.ingest.store(signature, Buffer.from(body), [channel.id]));
    if (stores.length % 1000 === 0) await Promise.all(stores.splice(0));
  }
  await Promise.all(stores);
  registerWhatsAppJobs(deps);
  const count = db.$client.prepare(`SELECT count(*) AS n FROM messages`);
  const started = performance.now();
  deps.worker.start();
  while ((count.get() as { n: number }).n < MESSAGES) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - started;
  await deps.worker.stop();
  const failed = (db.$client.prepare(`SELECT count(*) AS n FROM webhook_events WHERE state != 'processed'`).get() as { n: number }).n;
  return { rate: MESSAGES / (ms / 1000), failed };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ingest = await measureIngest();
const row = (name: string, runs: Load[]) => {
  const rps = median(runs.map((x) => x.rps));
  return { name, rps, p50: median(runs.map((x) => x.p50)), p99: median(runs.map((x) => x.p99)), errors: runs.reduce((s, x) => s + x.non2xx, 0) };
};
const bare = row('bare Hono (read body, 200)', ingest.results.bare);
const durable = row('bare Hono + durable insert', ingest.results.durable);
const parley = row('Parley (HMAC + durable store)', ingest.results.parley);

console.log(`bench/webhooks: ${ingest.size}-byte signed bodies, ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds, ${pinned ? 'server on core 0, load on core 1' : 'NOT pinned (no taskset)'}`);
console.log(`${'server'.padEnd(32)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`);
for (const r of [bare, durable, parley]) console.log(`${r.name.padEnd(32)}${Math.round(r.rps).toString().padStart(9)}${r.p50.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${String(r.errors).padStart(8)}`);
console.log(`Parley / bare: ${Math.round((parley.rps / bare.rps) * 100)} %   (SQLite synchronous=FULL: every 200 is on disk)`);
console.log(`Parley / bare + durable insert: ${Math.round((parley.rps / durable.rps) * 100)} %   (what Parley adds to the cost of a durable ack)`);

const e2e = await measureProcessing();
console.log(`end to end: ${MESSAGES} stored webhooks → messages queryable at ${Math.round(e2e.rate)} msg/s (${e2e.failed} not processed)`);
