// npm run bench:inbox [-- --conversations 10000 --runs 5]
// The inbox in Chromium: time from navigation to the first conversation row, with N conversations in the
// database against an empty one (same run), plus the gzip size of the JS and CSS the inbox loads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { migrateDb, openDb } from '../db/client.js';
import { projectRoot } from '../server/lib/paths.js';
import { createSecretBox } from '../server/lib/secret-box.js';
import { loadSecretKey, prepareDataDir } from '../server/system/data-dir.js';
import { freePort, startServer, waitForOk } from '../test/server-process.js';

const { values } = parseArgs({ options: { conversations: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' } } });
const N = Number(values.conversations);
const RUNS = Number(values.runs);
const ROOT = projectRoot();

/** Fills a fresh data dir with `n` contacts, each with a conversation and three messages. */
function seed(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-inbox-'));
  const layout = prepareDataDir(dir);
  const box = createSecretBox(loadSecretKey(layout, null));
  const db = openDb(layout.dbFile);
  migrateDb(db);
  const now = Date.now();
  const sqlite = db.$client;
  const ch = 'ch_bench';
  sqlite
    .prepare(`INSERT INTO channels (id, name, phone_number_id, access_token_enc, app_secret_enc, verify_token_enc, created_at, updated_at) VALUES (?, 'Bench', '100000000000999', ?, ?, ?, ?, ?)`)
    .run(ch, box.seal('bench-token'), box.seal('bench-secret'), box.seal('bench-verify'), now, now);
  const contact = sqlite.prepare(`INSERT INTO contacts (id, name, phone, wa_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const conv = sqlite.prepare(`INSERT INTO conversations (id, contact_id, channel_id, last_message_at, last_inbound_at, window_expires_at, unread_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`);
  const msg = sqlite.prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, wa_message_id, timestamp, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?, ?)`);
  sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const at = now - i * 60_000;
      const waId = String(14150000000 + i);
      contact.run(`ct_${i}`, `Customer ${i}`, `+${waId}`, waId, at, at);
      conv.run(`cv_${i}`, `ct_${i}`, ch, at, at, at + 86_400_000, at, at);
      for (let k = 0; k < 3; k++) {
        msg.run(`msg_${i}_${k}`, `cv_${i}`, `ct_${i}`, ch, k % 2 ? 'outbound' : 'inbound', `Message ${k} of conversation ${i}`, k % 2 ? 'read' : 'received', `wamid.B${i}.${k}`, at - (3 - k) * 1000, at, at);
      }
    }
  })();
  sqlite.close();
  return dir;
}

/** Asset files (under /assets/) the inbox page fetched on its first load. */
const loadedAssets = new Set<string>();

async function timeToList(dataDir: string): Promise<number[]> {
  const port = await freePort();
  const server = await startServer({ PORT: String(port), ADMIN_EMAIL: 'bench@parley.local', ADMIN_PASSWORD: 'bench-password' }, dataDir);
  await waitForOk(`${server.url}/readyz`);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const login = await context.request.post(`${server.url}/api/v1/auth/login`, { data: { email: 'bench@parley.local', password: 'bench-password' }, headers: { origin: server.url } });
  if (login.status() !== 200) throw new Error(`login failed: ${login.status()}`);
  const times: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const page = await context.newPage();
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (path.startsWith('/assets/')) loadedAssets.add(path.slice('/assets/'.length));
    });
    const start = performance.now();
    await page.goto(server.url + '/');
    await page.locator('[data-testid=conversation]').first().waitFor({ timeout: 30_000 });
    if (r > 0) times.push(performance.now() - start); // the first load warms the caches
    await page.close();
  }
  await browser.close();
  await server.stop();
  return times;
}

/** Gzip size of what the inbox loads (lazy chunks of other pages — deals, reports… — are not counted). */
function bundleSize() {
  const assets = join(ROOT, 'dist', 'web', 'assets');
  let js = 0;
  let css = 0;
  for (const f of readdirSync(assets).filter((name) => loadedAssets.has(name))) {
    const gz = gzipSync(readFileSync(join(assets, f))).length;
    if (f.endsWith('.js')) js += gz;
    if (f.endsWith('.css')) css += gz;
  }
  return { js, css };
}

if (spawnSync('test', ['-x', '/usr/bin/chromium']).status !== 0) throw new Error('bench/inbox needs /usr/bin/chromium (apt-get install chromium)');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const empty = seed(1);
const full = seed(N);
const base = median(await timeToList(empty));
const big = median(await timeToList(full));
const size = bundleSize();
console.log(`bench/inbox: Chromium 1280×800, signed in, median of ${RUNS} loads after a warm-up`);
console.log(`JS + CSS the inbox loads (gzip): ${(size.js / 1024).toFixed(1)} KB + ${(size.css / 1024).toFixed(1)} KB = ${((size.js + size.css) / 1024).toFixed(1)} KB (${[...loadedAssets].sort().join(', ')})`);
console.log(`time to first conversation row: 1 conversation ${Math.round(base)} ms, ${N} conversations ${Math.round(big)} ms (${(big / base).toFixed(2)}×)`);
