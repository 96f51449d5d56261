// Fills a fresh DATA_DIR with a year of a busy shop's WhatsApp history for bench/scale: contacts, several
// conversations per contact on two numbers, messages of varied length in both directions, deals, tasks and
// notes — written with prepared INSERTs in large transactions into a database built by the real migrations,
// then indexed for search by the app's own indexing code (what the search.index job runs).
import { randomFillSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { migrateDb, openDb } from '../db/client.js';
import { loadConfig } from '../server/config.js';
import { createDeps } from '../server/deps.js';
import { systemClock } from '../server/lib/clock.js';
import { newId } from '../server/lib/ids.js';
import { silentLogger } from '../server/lib/logger.js';
import { ensureDefaultPipeline } from '../server/pipelines/pipelines.repository.js';
import { indexPendingMessages } from '../server/search/search.repository.js';
import { loadSecretKey, prepareDataDir } from '../server/system/data-dir.js';
import { FIRST, LAST, WORDS } from './crm-cases.js';
import { BENCH_CHANNEL } from './webhook-payload.js';
import { messageText, wamid } from './scale-text.js';

/** Every seeded user signs in with this password. */
export const SCALE_PASSWORD = 'correct horse battery';
export const SCALE_OWNER = 'owner@scale.bench';
export const SCALE_AGENT = 'agent0@scale.bench';

export interface ScaleSeedOptions {
  messages: number;
  /** Defaults: one contact per 50 messages, 1.25 conversations per contact (a second number for some). */
  contacts?: number;
  conversations?: number;
}

export interface ScaleSeed {
  dataDir: string;
  counts: { contacts: number; conversations: number; messages: number; deals: number; tasks: number; notes: number };
  teams: string[];
  seedMs: number;
  indexMs: number;
  dbBytes: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Seeds `dataDir` (fresh) so the real server can start on it: secret key, owner + 10 agents in 3 teams,
 * the bench channel (bench/webhook-payload's app secret, so signed bench webhooks are accepted) and a
 * second number, then the history. Rowids follow time, as on a live install, so "newest first" reads the
 * end of the table. Graph calls of the seeded channels go to a closed loopback port, never to Meta.
 */
export async function seedScaleData(dataDir: string, options: ScaleSeedOptions): Promise<ScaleSeed> {
  const started = performance.now();
  const N = options.messages;
  const CONTACTS = options.contacts ?? Math.max(50, Math.round(N / 50));
  const CONVERSATIONS = Math.max(CONTACTS, options.conversations ?? Math.round(CONTACTS * 1.25));
  const layout = prepareDataDir(dataDir);
  const secretKey = loadSecretKey(layout, null);
  const db = openDb(layout.dbFile);
  migrateDb(db);
  const sqlite = db.$client;
  // A throwaway bench database: no fsync per commit, and a page cache big enough for random-id index inserts.
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -400000');
  const deps = createDeps({ config: loadConfig({ DATA_DIR: layout.root }), db, clock: systemClock, logger: silentLogger, secretKey, mediaDir: layout.media, tmpDir: layout.tmp });
  const now = Date.now();

  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

  const owner = await deps.users.create({ email: SCALE_OWNER, password: SCALE_PASSWORD, role: 'owner' });
  const agents: string[] = [];
  for (let i = 0; i < 10; i++) agents.push((await deps.users.create({ email: `agent${i}@scale.bench`, password: SCALE_PASSWORD, role: 'agent' })).id);
  const teams = ['team_sales', 'team_support', 'team_shop'];
  const deadGraph = { graphBaseUrl: 'http://127.0.0.1:9/graph', accessToken: 'scale-token', verifyToken: 'scale-verify' };
  const channels = [
    deps.channels.create({ ...BENCH_CHANNEL, ...deadGraph, name: 'Shop' }).id,
    deps.channels.create({ phoneNumberId: '220011223344557', wabaId: BENCH_CHANNEL.wabaId, appSecret: BENCH_CHANNEL.appSecret, ...deadGraph, name: 'Support' }).id,
  ];
  sqlite.transaction(() => {
    teams.forEach((id) => sqlite.prepare(`INSERT INTO teams (id, name, keywords, first_response_minutes, resolution_minutes, created_at) VALUES (?, ?, '[]', 15, 480, ?)`).run(id, id.slice(5), now));
    agents.forEach((a, i) => sqlite.prepare(`INSERT INTO team_members (team_id, user_id) VALUES (?, ?)`).run(teams[i % 3], a));
  })();

  // Conversations: the first CONTACTS on the shop number, the rest on the support number for the first
  // contacts. Message counts are heavy-tailed (most threads are short, a few run to thousands).
  const weights = new Float64Array(CONVERSATIONS);
  let total = 0;
  for (let c = 0; c < CONVERSATIONS; c++) total += weights[c] = Math.pow(-Math.log(1 - rand() * 0.999999), 2.2) + 0.05;
  const count = new Uint32Array(CONVERSATIONS);
  let assigned = 0;
  for (let c = 0; c < CONVERSATIONS; c++) assigned += count[c] = Math.max(1, Math.floor((weights[c]! / total) * N));
  for (let c = 0; assigned < N; c = (c + 1) % CONVERSATIONS, assigned++) count[c]!++;
  for (let c = 0; assigned > N; c = (c + 1) % CONVERSATIONS) if (count[c]! > 1) count[c]!--, assigned--;

  // Each conversation is active over a stretch ending at its last message; messages fall in that stretch.
  const lastAt = new Float64Array(CONVERSATIONS);
  const firstAt = new Float64Array(CONVERSATIONS);
  for (let c = 0; c < CONVERSATIONS; c++) {
    lastAt[c] = now - HOUR - Math.floor(Math.pow(rand(), 1.6) * 364 * DAY); // more recent activity than old
    firstAt[c] = lastAt[c]! - Math.floor(rand() * Math.min(120, 1 + count[c]! / 4) * DAY);
  }
  const msgConv = new Uint32Array(N);
  const msgAt = new Float64Array(N);
  for (let c = 0, i = 0; c < CONVERSATIONS; c++) {
    for (let k = 0; k < count[c]!; k++, i++) {
      msgConv[i] = c;
      msgAt[i] = k === count[c]! - 1 ? lastAt[c]! : Math.floor(firstAt[c]! + rand() * (lastAt[c]! - firstAt[c]!));
    }
  }
  const order = new Uint32Array(N).map((_, i) => i).sort((a, b) => msgAt[a]! - msgAt[b]!);
  const inbound = new Uint8Array(N);
  const lastIn = new Float64Array(CONVERSATIONS);
  const lastOut = new Float64Array(CONVERSATIONS);
  const firstOut = new Float64Array(CONVERSATIONS);
  const seen = new Uint8Array(CONVERSATIONS);
  for (const i of order) {
    const c = msgConv[i]!;
    // A thread opens with the customer; then 55 % inbound.
    const isIn = !seen[c] || rand() < 0.55;
    seen[c] = 1;
    inbound[i] = isIn ? 1 : 0;
    if (isIn) lastIn[c] = msgAt[i]!;
    else {
      lastOut[c] = msgAt[i]!;
      if (!firstOut[c]) firstOut[c] = msgAt[i]!;
    }
  }

  const contactIds: string[] = [];
  const convIds: string[] = [];
  const convContact = new Uint32Array(CONVERSATIONS);
  const waitingOnUs = new Uint8Array(CONVERSATIONS);
  const insContact = sqlite.prepare(`INSERT INTO contacts (id, name, phone, wa_id, profile_name, email, company, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insIdentity = sqlite.prepare(`INSERT INTO contact_identities (kind, value, contact_id, source, created_at) VALUES ('wa_id', ?, ?, 'webhook', ?)`);
  const insTag = sqlite.prepare(`INSERT INTO contact_tags (contact_id, tag, created_at) VALUES (?, ?, ?)`);
  const insConv = sqlite.prepare(
    `INSERT INTO conversations (id, contact_id, channel_id, status, assignee_id, team_id, priority, flagged, last_message_at, last_inbound_at, last_outbound_at, window_expires_at, unread_count, snoozed_until, resolved_at, opened_at, waiting_since, first_response_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < CONTACTS; i++) {
      const id = newId('ct');
      const name = `${pick(FIRST)} ${pick(LAST)}`;
      const waId = `35191${String(i).padStart(7, '0')}`;
      const created = Math.min(...[i, i + CONTACTS].filter((c) => c < CONVERSATIONS).map((c) => firstAt[c]!));
      contactIds.push(id);
      insContact.run(id, rand() < 0.8 ? name : null, `+${waId}`, waId, name, rand() < 0.3 ? `${name.split(' ')[0]!.toLowerCase()}${i}@mail.test` : null, rand() < 0.15 ? `${pick(LAST)} Lda` : null, created, created);
      insIdentity.run(waId, id, created);
      if (rand() < 0.05) insTag.run(id, 'vip', created);
    }
    for (let c = 0; c < CONVERSATIONS; c++) {
      const id = newId('cv');
      const ct = c % CONTACTS;
      const last = lastAt[c]!;
      const recent = now - last < 7 * DAY;
      const roll = rand();
      const status = recent ? (roll < 0.4 ? 'open' : roll < 0.55 ? 'pending' : roll < 0.6 ? 'snoozed' : 'resolved') : roll < 0.02 ? 'open' : roll < 0.03 ? 'pending' : 'resolved';
      const assignee = rand() < 0.75 ? pick(agents) : null;
      const team = assignee ? teams[agents.indexOf(assignee) % 3]! : rand() < 0.4 ? pick(teams) : null;
      const waiting = status !== 'resolved' && lastIn[c]! >= lastOut[c]! ? lastIn[c]! : null;
      convIds.push(id);
      convContact[c] = ct;
      waitingOnUs[c] = waiting ? 1 : 0;
      insConv.run(id, contactIds[ct], channels[c < CONTACTS ? 0 : 1], status, assignee, team, rand() < 0.02 ? 'urgent' : 'normal', rand() < 0.01 ? 1 : 0, last, lastIn[c] || null, lastOut[c] || null, lastIn[c]! + DAY, waiting ? 1 + Math.floor(rand() * 3) : 0, status === 'snoozed' ? now + DAY : null, status === 'resolved' ? last + 10 * 60_000 : null, firstAt[c], waiting, firstOut[c] || null, firstAt[c], last);
    }
  })();

  // Messages in time order (rowid order = arrival order), 20 000 per transaction.
  const insMsg = sqlite.prepare(
    `INSERT INTO messages (id, conversation_id, contact_id, channel_id, direction, type, text, status, wa_message_id, timestamp, author_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'text', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const OUT_STATUS = [...Array(73).fill('read'), ...Array(20).fill('delivered'), ...Array(5).fill('sent'), 'failed', 'failed'] as const;
  const random = Buffer.alloc(24);
  for (let from = 0; from < N; from += 20_000) {
    sqlite.transaction(() => {
      for (let j = from; j < Math.min(N, from + 20_000); j++) {
        const i = order[j]!;
        const c = msgConv[i]!;
        const at = msgAt[i]!;
        const isIn = inbound[i] === 1;
        // The last inbound message of a conversation waiting on the business is still unread.
        const status = isIn ? (waitingOnUs[c] && at === lastIn[c] ? 'received' : 'read') : pick(OUT_STATUS);
        insMsg.run(newId('msg'), convIds[c], contactIds[convContact[c]!], channels[c < CONTACTS ? 0 : 1], isIn ? 'inbound' : 'outbound', messageText(rand, pick), status, wamid(randomFillSync(random)), at, isIn ? null : pick(agents), at, at);
      }
    })();
  }

  // Deals on the default pipeline, tasks around today, internal notes.
  ensureDefaultPipeline(db, now);
  const stages = sqlite.prepare(`SELECT s.id, s.pipeline_id AS pipelineId, s.outcome FROM pipeline_stages s ORDER BY s.position`).all() as { id: string; pipelineId: string; outcome: string }[];
  const DEALS = Math.round(CONTACTS / 5);
  const TASKS = Math.round(CONTACTS / 2);
  const NOTES = Math.round(CONVERSATIONS / 10);
  const insDeal = sqlite.prepare(`INSERT INTO deals (id, title, amount_minor, currency, pipeline_id, stage_id, owner_id, contact_id, conversation_id, stage_entered_at, closed_at, created_at, updated_at) VALUES (?, ?, ?, 'EUR', ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insTask = sqlite.prepare(`INSERT INTO tasks (id, title, due_at, assignee_id, contact_id, conversation_id, done_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insNote = sqlite.prepare(`INSERT INTO conversation_notes (id, conversation_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)`);
  sqlite.transaction(() => {
    for (let d = 0; d < DEALS; d++) {
      const c = Math.floor(rand() * CONVERSATIONS);
      const stage = pick(stages);
      const at = lastAt[c]!;
      insDeal.run(newId('deal'), `${pick(WORDS)} for ${contactIds[convContact[c]!]}`, Math.floor(rand() * 500_000), stage.pipelineId, stage.id, pick(agents), contactIds[convContact[c]!], convIds[c], at, stage.outcome === 'open' ? null : at, firstAt[c], at);
    }
    for (let t = 0; t < TASKS; t++) {
      const c = Math.floor(rand() * CONVERSATIONS);
      const due = now + Math.floor((rand() - 0.7) * 60 * DAY);
      insTask.run(newId('task'), `Call back about the ${pick(WORDS)}`, due, pick(agents), contactIds[convContact[c]!], convIds[c], due < now && rand() < 0.8 ? due : null, owner.id, due - 3 * DAY, due - 3 * DAY);
    }
    for (let n = 0; n < NOTES; n++) {
      const c = Math.floor(rand() * CONVERSATIONS);
      insNote.run(newId('note'), convIds[c], pick(agents), `Customer asked about ${pick(WORDS)} and ${pick(WORDS)}; ${messageText(rand, pick)}`, lastAt[c]!);
    }
  })();
  const seeded = performance.now();

  // The search.index job's own code, in big batches.
  while (indexPendingMessages(db, 100_000) > 0);
  const indexed = performance.now();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return {
    dataDir: layout.root,
    counts: { contacts: CONTACTS, conversations: CONVERSATIONS, messages: N, deals: DEALS, tasks: TASKS, notes: NOTES },
    teams,
    seedMs: seeded - started,
    indexMs: indexed - seeded,
    dbBytes: statSync(layout.dbFile).size,
  };
}
