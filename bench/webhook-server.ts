// A server for bench/webhooks, run in its own process (pinned to one core by the parent):
//   node dist/bench/webhook-server.js bare <port>     bare Hono: read the body, answer 200
//   node dist/bench/webhook-server.js durable <port>  bare Hono + the least a durable ack needs: the body
//                                                     inserted with group commit (synchronous=FULL), then 200
//   node dist/bench/webhook-server.js parley <port>   Parley's app: verify HMAC, store durably, answer 200
import { getRequestListener } from '@hono/node-server';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDb, openDb } from '../db/client.js';
import { createApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createDeps } from '../server/deps.js';
import { systemClock } from '../server/lib/clock.js';
import { silentLogger } from '../server/lib/logger.js';
import { prepareDataDir } from '../server/system/data-dir.js';
import { BENCH_CHANNEL } from './webhook-payload.js';
import { createWebhookFastPath } from '../server/whatsapp/webhook/webhook.fast-path.js';

const [mode, portArg] = process.argv.slice(2);
const port = Number(portArg);

let fetchHandler: (req: Request) => Response | Promise<Response>;
let fastPath: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
if (mode === 'bare') {
  fetchHandler = new Hono().post('/webhooks/whatsapp', async (c) => {
    await c.req.arrayBuffer();
    return c.text('EVENT_RECEIVED', 200);
  }).fetch;
} else if (mode === 'durable') {
  const store = durableStore(join(mkdtempSync(join(tmpdir(), 'parley-bench-durable-')), 'bodies.db'));
  fetchHandler = new Hono().post('/webhooks/whatsapp', async (c) => {
    await store(Buffer.from(await c.req.arrayBuffer()));
    return c.text('EVENT_RECEIVED', 200);
  }).fetch;
} else {
  const layout = prepareDataDir(mkdtempSync(join(tmpdir(), 'parley-bench-webhooks-')));
  const db = openDb(layout.dbFile);
  migrateDb(db);
  const config = loadConfig({ DATA_DIR: layout.root });
  const deps = createDeps({ config, db, clock: systemClock, logger: silentLogger, secretKey: randomBytes(32), mediaDir: layout.media, tmpDir: layout.tmp });
  deps.channels.create({ ...BENCH_CHANNEL, accessToken: 'bench-token-000', verifyToken: 'bench-verify' });
  // The route alone, served as main.ts serves it (fast path before Hono); processing is measured separately.
  fetchHandler = createApp(deps).fetch;
  fastPath = createWebhookFastPath(deps);
  process.on('SIGINT', () => {
    const { batches, stored } = deps.ingest.stats();
    process.stderr.write(`ingest: ${stored} bodies in ${batches} commits (${(stored / Math.max(1, batches)).toFixed(1)} per commit)\n`);
    process.exit(0);
  });
}

/**
 * The floor under any durable intake: one table, one INSERT per body, requests of an event-loop turn
 * sharing a commit (fsync) and each answered after it — no signature, no job, no Parley.
 */
function durableStore(file: string) {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('wal_autocheckpoint = 8000');
  sqlite.exec('CREATE TABLE bodies (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, body BLOB NOT NULL)');
  const insert = sqlite.prepare('INSERT INTO bodies (received_at, body) VALUES (?, ?)');
  const commit = sqlite.transaction((bodies: Buffer[]) => bodies.forEach((b) => insert.run(Date.now(), b)));
  let pending: { body: Buffer; done: () => void }[] = [];
  return (body: Buffer) =>
    new Promise<void>((done) => {
      if (pending.push({ body, done }) > 1) return;
      setImmediate(() => {
        const batch = pending;
        pending = [];
        commit(batch.map((p) => p.body));
        for (const p of batch) p.done();
      });
    });
}

const honoListener = getRequestListener(fetchHandler);
createServer((req, res) => {
  if (!fastPath?.(req, res)) void honoListener(req, res);
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
