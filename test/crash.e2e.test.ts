import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveParley, type LiveParley } from './live-parley.js';
import { eventually, waitForQuietJobs } from './live-checks.js';
import { bodyOf } from './server-process.js';
import { buildFlood, createFloodSender, seededRandom, shuffle, type FloodPlan } from './webhook-flood.js';

// Crash proof: a flood of signed webhooks at the real server process, kill -9 at three points of it,
// restarts on the same data directory, and a sender that re-delivers like Meta. Afterwards the SQLite
// file must hold every acknowledged body, every message exactly once and every status at its final value.
const WA = { phoneNumberId: '106540352242955', wabaId: '102290129340455', displayPhoneNumber: '15550783883' };
const SECRET = { accessToken: 'EAAG-crash-token', appSecret: 'crash-app-secret', verifyToken: 'crash-verify-token' };
const ADMIN = { email: 'owner@crash.example', password: 'crash-owner-password' };
// Printed on failure: the same seed replays the same flood order and payloads.
const SEED = Number(process.env.CRASH_SEED ?? 20_260_808);
const KILL_AT = [0.1, 0.5, 0.9];
const REPLYING = 20; // customers Parley wrote to (two messages each): their statuses are in the flood
const CUSTOMERS = 120;
const INBOUND = 1000;
const HOUR = 3_600_000;

const replyingNumber = (i: number) => `1303555${String(1000 + i).slice(-4)}`;
const customerNumber = (i: number) => (i < REPLYING ? replyingNumber(i) : `1720555${String(1000 + i).slice(-4)}`);

let live: LiveParley;
const api = (path: string, init: { method?: string; body?: unknown } = {}) => live.api(path, init);

beforeAll(async () => {
  // The simulator's own status webhooks would come after an hour: the flood is the only source here.
  live = await startLiveParley({ wa: WA, secrets: SECRET, admin: ADMIN, simulator: { statusDelaysMs: { sent: HOUR, delivered: HOUR, read: HOUR } } });
}, 60_000);

afterAll(() => live?.close());

/** Conversations opened by a customer message, then two replies each, until Meta gave every reply a wamid. */
async function outboundMessages() {
  for (let i = 0; i < REPLYING; i++) await live.sim.customer.sendText({ from: replyingNumber(i), name: `Replying ${i}`, text: 'hello?' });
  const conversations = await eventually(
    async () => (await bodyOf(api('/conversations?limit=100'))).data as Array<{ id: string; contact: { waId: string } }>,
    (list) => list.length === REPLYING,
  );
  const ids: Array<{ id: string; waId: string }> = [];
  for (const c of conversations) {
    for (const text of ['Sí, hoy mismo ✅', '¿Algo más?']) {
      const res = await api(`/conversations/${c.id}/messages`, { body: { type: 'text', text } });
      expect(res.status).toBe(202);
      ids.push({ id: (await bodyOf(res)).data.id, waId: c.contact.waId });
    }
  }
  const out: Array<{ id: string; waId: string; wamid: string }> = [];
  for (const m of ids) {
    const sent = await eventually(async () => (await bodyOf(api(`/messages/${m.id}`))).data, (x) => Boolean(x.waMessageId));
    expect(sent.status).toBe('sent');
    out.push({ ...m, wamid: sent.waMessageId });
  }
  return out;
}

/** Counts from the SQLite file after a clean stop (read-only: the server is down). */
function readDatabase(dataDir: string, overdueBefore: number) {
  const db = new Database(join(dataDir, 'parley.db'), { readonly: true, fileMustExist: true });
  try {
    const all = <T>(sql: string) => db.prepare(sql).all() as T[];
    return {
      bodies: new Set(all<{ body: Buffer }>('SELECT body FROM webhook_events').map((r) => r.body.toString('utf8'))),
      eventStates: all<{ state: string; n: number }>('SELECT state, count(*) AS n FROM webhook_events GROUP BY state'),
      inbound: new Map(all<{ w: string; n: number }>(`SELECT wa_message_id AS w, count(*) AS n FROM messages WHERE direction = 'inbound' GROUP BY wa_message_id`).map((r) => [r.w, r.n])),
      outbound: all<{ id: string; w: string | null; status: string }>(`SELECT id, wa_message_id AS w, status FROM messages WHERE direction = 'outbound'`),
      duplicateContacts: all<{ waId: string; n: number }>('SELECT wa_id AS waId, count(*) AS n FROM contacts WHERE wa_id IS NOT NULL GROUP BY wa_id HAVING n > 1'),
      contacts: (db.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n,
      conversations: (db.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number }).n,
      statusEvents: (db.prepare('SELECT count(*) AS n FROM message_status_events').get() as { n: number }).n,
      jobs: all<{ queue: string; state: string; n: number; errors: number; overdue: number }>(
        `SELECT queue, state, count(*) AS n, sum(last_error IS NOT NULL) AS errors, sum(run_at < ${overdueBefore}) AS overdue FROM jobs GROUP BY queue, state`,
      ),
    };
  } finally {
    db.close();
  }
}

describe('crash proof (real process, kill -9 mid-flood)', () => {
  it(`keeps every acknowledged webhook through three kill -9s, each message once, statuses final, no stuck jobs (seed ${SEED})`, async () => {
    const outbound = await outboundMessages();
    const random = seededRandom(SEED);
    const plan: FloodPlan = buildFlood({
      biz: WA,
      appSecret: SECRET.appSecret,
      random,
      customers: Array.from({ length: CUSTOMERS }, (_, i) => customerNumber(i)),
      inboundMessages: INBOUND,
      outbound,
      startSeconds: Math.floor(Date.now() / 1000) - 600,
    });
    const total = plan.items.length;
    const sender = createFloodSender(plan.items, () => `${live.parley.url}/webhooks/whatsapp`, 16);

    // Three times: flood until a share of the bodies is acknowledged, kill -9 with requests in the air,
    // restart on the same data directory (and port) and go on where the flood was.
    const kills: Array<{ at: number; acked: number; inflight: number }> = [];
    for (const share of KILL_AT) {
      await sender.sendUntil(Math.ceil(total * share));
      const inflight = sender.inflight();
      live.parley.proc.kill('SIGKILL');
      expect(await live.parley.exited).toBeNull(); // killed by the signal, not exited
      await sender.settle();
      sender.nextPhase();
      kills.push({ at: share, acked: sender.acked(), inflight });
      await live.restart();
    }
    await sender.sendUntil(Infinity);
    await sender.settle();
    const lost = sender.unacked().length;

    // Meta re-delivers what was not answered 200, and repeats some of what was: bodies acknowledged
    // after the last kill, so a repeat never hides a body lost by an earlier one.
    await sender.redeliverUnacked(60_000);
    const afterLastKill = plan.items.filter((i) => i.ackPhase === KILL_AT.length);
    const sample = shuffle(afterLastKill, random).slice(0, Math.ceil(total / 10));
    await sender.duplicate(sample);
    expect(sample.filter((i) => i.acks < 2)).toEqual([]);
    expect(kills.some((k) => k.inflight > 0)).toBe(true);
    console.info(`crash proof: ${total} bodies, kills ${JSON.stringify(kills)}, ${lost} unacknowledged before re-delivery`);

    // Processing catches up, and the outbound statuses are final through the API.
    await eventually(
      async () => ({
        received: (await bodyOf(api('/admin/webhook-events?state=received&limit=1'))).data.length,
        waiting: (await bodyOf(api('/admin/jobs/stats'))).data.queues.filter((q: { queue: string; state: string }) => q.queue === 'whatsapp.process-webhook' && q.state !== 'done'),
      }),
      (v) => v.received === 0 && v.waiting.length === 0,
      60_000,
    );
    for (const m of outbound) {
      const msg = (await bodyOf(api(`/messages/${m.id}`))).data;
      expect({ id: m.id, status: msg.status }).toEqual({ id: m.id, status: plan.finalStatus.get(m.wamid) });
    }
    // A job held by a killed process comes back when its lease ends; wait for that, then stop cleanly.
    await waitForQuietJobs(live, 90_000);
    const stoppedAt = Date.now();
    expect(await live.parley.stop()).toBe(0);

    const db = readDatabase(live.parley.dataDir, stoppedAt - 10_000);
    // Every body ever answered 200 is in the raw archive, byte for byte, and was processed.
    expect(plan.items.filter((i) => i.acks > 0 && !db.bodies.has(i.body)).map((i) => i.index)).toEqual([]);
    expect(db.eventStates).toEqual([{ state: 'processed', n: expect.any(Number) }]);
    // Every inbound message exactly once; one contact and one conversation per customer.
    expect(plan.inboundWamids.filter((w) => db.inbound.get(w) !== 1)).toEqual([]);
    expect(db.inbound.size).toBe(plan.inboundWamids.length + REPLYING);
    expect(db.duplicateContacts).toEqual([]);
    const customers = new Set([...plan.senders, ...outbound.map((m) => m.waId)]).size;
    expect(db.contacts).toBe(customers);
    expect(db.conversations).toBe(customers);
    // Outbound: each wamid once, each at the highest status delivered for it, whatever the order.
    expect(db.outbound).toHaveLength(outbound.length);
    expect(new Set(db.outbound.map((m) => m.w)).size).toBe(outbound.length);
    expect(db.outbound.filter((m) => m.status !== plan.finalStatus.get(m.w!))).toEqual([]);
    expect(db.statusEvents).toBe(plan.statusPairs);
    // No job dead, none left running, none long overdue; webhook processing never failed.
    expect(db.jobs.filter((j) => j.state === 'dead' || j.state === 'running')).toEqual([]);
    expect(db.jobs.filter((j) => j.state === 'queued' && j.overdue > 0)).toEqual([]);
    expect(db.jobs.filter((j) => j.queue === 'whatsapp.process-webhook' && j.errors > 0)).toEqual([]);
  }, 180_000);
});
