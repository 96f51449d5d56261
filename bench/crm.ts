// npm run bench:crm [-- --contacts 100000 --messages 1000000 --samples 200]
// CRM reads at size: seeds contacts, two conversations each (two channels), messages, tasks and deals
// into a real SQLite file, then times the API in process (routing, auth, queries, JSON) and prints
// p50/p95 per endpoint, with GET /me measured in the same run as the floor every request pays.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateDb, openDb } from '../db/client.js';
import { createApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createDeps } from '../server/deps.js';
import { systemClock } from '../server/lib/clock.js';
import { silentLogger } from '../server/lib/logger.js';
import { indexPendingMessages } from '../server/search/search.repository.js';
import { prepareDataDir } from '../server/system/data-dir.js';
import { crmCases, FIRST, LAST, WORDS } from './crm-cases.js';

const { values } = parseArgs({
  options: { contacts: { type: 'string', default: '100000' }, messages: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '200' }, only: { type: 'string' } },
});
const CONTACTS = Number(values.contacts);
const CONVERSATIONS = CONTACTS * 2;
const MESSAGES = Number(values.messages);
const SAMPLES = Number(values.samples);

const MIN = 60_000;

let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
/** Portuguese mobile numbers (+351 91…): valid for libphonenumber, one per contact. */
const phoneOf = (i: number) => `+35191${String(i).padStart(7, '0')}`;

const layout = prepareDataDir(mkdtempSync(join(tmpdir(), 'parley-bench-crm-')));
const db = openDb(layout.dbFile);
migrateDb(db);
const deps = createDeps({ config: loadConfig({ DATA_DIR: layout.root, PUBLIC_URL: 'http://parley.bench' }), db, clock: systemClock, logger: silentLogger, secretKey: randomBytes(32), mediaDir: layout.media, tmpDir: layout.tmp });
const app = createApp(deps);
const sqlite = db.$client;
const now = Date.now();

const started = performance.now();
const owner = await deps.users.create({ email: 'owner@bench.test', password: 'correct horse battery', role: 'owner' });
const agents: { id: string; email: string }[] = [];
for (let i = 0; i < 10; i++) agents.push(await deps.users.create({ email: `agent${i}@bench.test`, password: 'correct horse battery', role: 'agent' }));
const teams = ['team_sales', 'team_support', 'team_shop'];
sqlite.transaction(() => {
  teams.forEach((id, i) => sqlite.prepare(`INSERT INTO teams (id, name, keywords, first_response_minutes, resolution_minutes, created_at) VALUES (?, ?, '[]', 15, 480, ?)`).run(id, id.slice(5), now));
  agents.forEach((a, i) => sqlite.prepare(`INSERT INTO team_members (team_id, user_id) VALUES (?, ?)`).run(teams[i % 3], a.id));
  for (const ch of ['ch_a', 'ch_b']) sqlite.prepare(`INSERT INTO channels (id, name, phone_number_id, access_token_enc, app_secret_enc, verify_token_enc, created_at, updated_at) VALUES (?, ?, ?, 'x', 'x', 'x', ?, ?)`).run(ch, ch, ch === 'ch_a' ? '100000000000001' : '100000000000002', now, now);
})();

const contact = sqlite.prepare(`INSERT INTO contacts (id, name, phone, wa_id, company, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
const identity = sqlite.prepare(`INSERT INTO contact_identities (kind, value, contact_id, source, created_at) VALUES ('wa_id', ?, ?, 'bench', ?)`);
const conv = sqlite.prepare(
  `INSERT INTO conversations (id, contact_id, channel_id, status, assignee_id, team_id, priority, flagged, last_message_at, last_inbound_at, last_outbound_at, window_expires_at, opened_at, waiting_since, first_response_at, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const msg = sqlite.prepare(`INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, wa_message_id, timestamp, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?, ?)`);
const task = sqlite.prepare(`INSERT INTO tasks (id, title, due_at, assignee_id, contact_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
const perConversation = Math.max(1, Math.round(MESSAGES / CONVERSATIONS));
// A shop's history: most conversations are resolved; a tenth is open work.
const STATUSES = [...Array(85).fill('resolved'), ...Array(9).fill('open'), ...Array(4).fill('pending'), ...Array(2).fill('snoozed')] as const;
const CHUNK = 5_000;
for (let from = 0; from < CONTACTS; from += CHUNK) {
  sqlite.transaction(() => {
    for (let i = from; i < Math.min(CONTACTS, from + CHUNK); i++) {
      const ct = `ct_${i}`;
      const phone = phoneOf(i);
      contact.run(ct, `${pick(FIRST)} ${pick(LAST)} ${i}`, phone, phone.slice(1), i % 7 === 0 ? `${pick(LAST)} Lda` : null, now - 200 * 86_400_000 + i, now);
      identity.run(phone.slice(1), ct, now);
      for (const ch of ['ch_a', 'ch_b']) {
        const cv = `cv_${ch}_${i}`;
        const last = now - Math.floor(rand() * 90 * 86_400_000);
        const status = pick(STATUSES);
        const assigned = rand() < 0.7 ? pick(agents) : null;
        const team = assigned ? teams[agents.indexOf(assigned) % 3]! : rand() < 0.5 ? pick(teams) : null;
        const waiting = status === 'open' && rand() < 0.5 ? last : null;
        conv.run(cv, ct, ch, status, assigned?.id ?? null, team, rand() < 0.02 ? 'urgent' : 'normal', rand() < 0.01 ? 1 : 0, last, last, waiting ? null : last + MIN, last + 86_400_000, last - 60 * MIN, waiting, waiting ? null : last - 50 * MIN, last - 90 * MIN, last);
        for (let m = 0; m < perConversation; m++) {
          const inbound = m % 2 === 0;
          const text = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} #${i}`;
          const at = last - (perConversation - m) * MIN;
          msg.run(`msg_${ch}_${i}_${m}`, cv, ct, ch, inbound ? 'inbound' : 'outbound', text, inbound ? 'received' : 'read', `wamid.${ch}.${i}.${m}`, at, at, at);
        }
      }
      if (i % 5 === 0) task.run(`task_${i}`, `Call back ${i}`, now + Math.floor((rand() - 0.5) * 14 * 86_400_000), pick(agents).id, ct, now, now);
    }
  })();
}
const seeded = performance.now();
while (indexPendingMessages(db, 50_000) > 0);
sqlite.pragma('wal_checkpoint(TRUNCATE)');
sqlite.exec('ANALYZE');
const indexed = performance.now();
if (process.env.BENCH_KEEP) console.log(`database: ${layout.dbFile}`);
const counts = sqlite.prepare(`SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM conversations) AS conversations, (SELECT count(*) FROM messages) AS messages`).get() as Record<string, number>;

/** Signs in through the API and returns the cookie. */
async function signIn(email: string) {
  const res = await app.request('http://parley.bench/api/v1/auth/login', { method: 'POST', headers: { origin: 'http://parley.bench', 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) });
  return /parley_session=[^;]*/.exec(res.headers.get('set-cookie') ?? '')![0];
}
const cookies = { owner: await signIn(owner.email), agent: await signIn(agents[0]!.email) };

async function time(who: keyof typeof cookies, path: () => string) {
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES + 10; i++) {
    const p = path();
    const t0 = performance.now();
    const res = await app.request(`http://parley.bench/api/v1${p}`, { headers: { cookie: cookies[who] } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
    if (i >= 10) ms.push(performance.now() - t0); // the first 10 warm the statement cache
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length * 0.5)]!, p95: ms[Math.floor(ms.length * 0.95)]! };
}

const randomConversation = () => `cv_${pick(['ch_a', 'ch_b'])}_${Math.floor(rand() * CONTACTS)}`;
const cases = crmCases({ pick, teams, conversationId: randomConversation, phone: () => phoneOf(Math.floor(rand() * CONTACTS)) });

console.log(`bench/crm: ${counts.contacts} contacts, ${counts.conversations} conversations, ${counts.messages} messages; seeded in ${((seeded - started) / 1000).toFixed(0)} s, FTS indexed in ${((indexed - seeded) / 1000).toFixed(0)} s`);
console.log(`${'request'.padEnd(36)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'target'.padStart(8)}${'× floor'.padStart(9)}`);
let floor = 1;
let failed = 0;
for (const [name, who, path, target] of cases.filter(([name]) => !values.only || name.includes('floor') || name.includes(values.only))) {
  if (name.includes('page 5')) {
    // Follow the cursor four pages deep first, then time that page.
    let cursor = '';
    for (let i = 0; i < 4; i++) {
      const res = (await (await app.request(`http://parley.bench/api/v1/conversations?limit=30${cursor}`, { headers: { cookie: cookies.owner } })).json()) as { nextCursor: string };
      cursor = `&cursor=${encodeURIComponent(res.nextCursor)}`;
    }
    const fixed = cursor;
    const r = await time(who, () => `${path()}${fixed}`);
    report(name, r, target);
    continue;
  }
  const r = await time(who, path);
  if (name.includes('floor')) floor = r.p95;
  report(name, r, target);
}
console.log(failed ? `${failed} over target` : 'all within target');

function report(name: string, r: { p50: number; p95: number }, target: number) {
  const over = r.p95 > target && !name.includes('floor');
  if (over) failed++;
  console.log(`${name.padEnd(36)}${r.p50.toFixed(1).padStart(8)}${r.p95.toFixed(1).padStart(8)}${`<${target}`.padStart(8)}${(r.p95 / floor).toFixed(1).padStart(9)}${over ? '  OVER' : ''}`);
}
