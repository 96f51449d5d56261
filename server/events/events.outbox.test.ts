import { describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { EVENTS_FANOUT_QUEUE, matchesEventPattern, type EventType, type StoredEvent } from './events.outbox.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { withMessageText } from '../inbox/messages.repository.js';

/** A consumer that takes the given types and remembers what it was handed. */
function recorder(t: ReturnType<typeof createTestContext>, types: EventType[] | '*', opts: { failOnce?: boolean } = {}) {
  const seen: StoredEvent[] = [];
  let fail = opts.failOnce ?? false;
  t.deps.outbox.register({
    name: 'test',
    wants: (type) => types === '*' || types.includes(type),
    handle(events) {
      if (fail) {
        fail = false;
        throw new Error('consumer down');
      }
      seen.push(...events);
    },
  });
  return seen;
}

const count = (t: ReturnType<typeof createTestContext>) => (t.db.$client.prepare('SELECT count(*) AS n FROM domain_events').get() as { n: number }).n;

describe('event outbox', () => {
  it('writes nothing while no consumer wants the type', () => {
    const t = createTestContext();
    expect(t.deps.outbox.emit({ type: 'deal.created', data: { id: 'd1' } }, t.clock.now())).toBe(false);
    recorder(t, ['contact.created']);
    expect(t.deps.outbox.emit({ type: 'deal.created', data: { id: 'd1' } }, t.clock.now())).toBe(false);
    expect(count(t)).toBe(0);
  });

  it('commits with the change or not at all, and hands each event out once, in order, across failures', () => {
    const t = createTestContext();
    const seen = recorder(t, '*', { failOnce: true });
    const tx = (fn: () => void) => t.db.$client.transaction(fn).immediate();
    expect(() =>
      tx(() => {
        t.deps.outbox.emit({ type: 'deal.created', dealId: 'lost', data: { id: 'lost' } }, t.clock.now());
        throw new Error('the change failed');
      }),
    ).toThrow();
    tx(() => {
      for (const id of ['d1', 'd2', 'd3']) t.deps.outbox.emit({ type: 'deal.created', dealId: id, data: { id } }, t.clock.now());
    });
    expect(count(t)).toBe(3);
    // The fan-out job was committed with the events.
    expect(t.deps.jobs.claim(EVENTS_FANOUT_QUEUE, 10, 1000)).toHaveLength(1);
    expect(() => t.deps.outbox.fanOut()).toThrow('consumer down');
    expect(seen).toEqual([]);
    expect(t.deps.outbox.fanOut()).toBe(3);
    expect(seen.map((e) => e.dealId)).toEqual(['d1', 'd2', 'd3']);
    expect(t.deps.outbox.fanOut()).toBe(0);
    expect(seen).toHaveLength(3);
  });

  it('records changes made through the API in their own transaction: contacts, deals and their stage moves, conversations', async () => {
    const t = createTestContext();
    const seen = recorder(t, '*');
    const { cookie } = await t.signIn('owner');
    const created = await (await t.request('/api/v1/contacts', { cookie, body: { name: 'Ana', phone: '+14155550100' } })).json();
    const contactId = created.data.id as string;
    await t.request(`/api/v1/contacts/${contactId}`, { method: 'PATCH', cookie, body: { company: 'Lima & Co' } });
    await t.request(`/api/v1/contacts/${contactId}/tags`, { cookie, body: { tag: 'vip' } });
    const pipeline = (await (await t.request('/api/v1/pipelines', { cookie })).json()).data[0];
    const deal = (await (await t.request('/api/v1/deals', { cookie, body: { title: 'Sofa', pipelineId: pipeline.id, stageId: pipeline.stages[0].id, contactId } })).json()).data;
    await t.request(`/api/v1/deals/${deal.id}`, { method: 'PATCH', cookie, body: { stageId: pipeline.stages[1].id } });
    await t.request(`/api/v1/contacts/${contactId}/consent`, { cookie, body: { status: 'opted_out' } });
    t.deps.outbox.fanOut();
    expect(seen.map((e) => e.type)).toEqual(['contact.created', 'contact.updated', 'contact.tag_added', 'deal.created', 'deal.stage_changed', 'deal.updated', 'contact.consent_changed']);
    const move = seen.find((e) => e.type === 'deal.stage_changed')!;
    expect(JSON.parse(move.data)).toMatchObject({ id: deal.id, fromStageId: pipeline.stages[0].id, toStageId: pipeline.stages[1].id });
    expect(move.contactId).toBe(contactId);
  });

  it('records customer messages and statuses from webhooks once, redeliveries included', async () => {
    const t = createTestContext();
    const seen = recorder(t, ['message.received', 'conversation.created', 'message.status']);
    t.deps.channels.create({ phoneNumberId: '220011223344999', wabaId: '310998877665999', accessToken: 'EAAG-x', appSecret: 'outbox-secret', verifyToken: 'v' });
    const deliver = async (id: string, text: string) => {
      const body = serializeMetaStyle({ object: 'whatsapp_business_account', entry: [{ id: '310998877665999', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '220011223344999' }, contacts: [{ profile: { name: 'Zoe' }, wa_id: '447700900123' }], messages: [{ from: '447700900123', id, timestamp: String(Math.floor(t.clock.now() / 1000)), type: 'text', text: { body: text } }] } }] }] });
      await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(body, 'outbox-secret') }, body });
      const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
      processWebhookEvents(t.deps, jobs.flatMap((j) => j.payload.eventIds));
    };
    await deliver('wamid.OUTBOX1', 'Hello');
    await deliver('wamid.OUTBOX1', 'Hello'); // Meta redelivers
    await deliver('wamid.OUTBOX2', 'Still there?');
    t.deps.outbox.fanOut();
    // A message event names its message; the text is read back from it, not stored twice.
    expect(seen.map((e) => 'text' in JSON.parse(e.data))).toEqual([false, false, false]);
    expect(seen.map((e) => [e.type, withMessageText(t.db, e.type, JSON.parse(e.data)).text ?? null])).toEqual([
      ['conversation.created', null],
      ['message.received', 'Hello'],
      ['message.received', 'Still there?'],
    ]);
    // Once the message is erased, so is its text.
    t.db.$client.prepare(`DELETE FROM messages WHERE wa_message_id = 'wamid.OUTBOX2'`).run();
    expect(withMessageText(t.db, 'message.received', JSON.parse(seen[2]!.data)).text).toBeNull();
    expect(JSON.parse(seen[1]!.data)).toMatchObject({ firstOfConversation: true, type: 'text', waMessageId: 'wamid.OUTBOX1' });
    expect(JSON.parse(seen[2]!.data).firstOfConversation).toBe(false);
  });

  it('hands out inline exactly what the table holds, also after a savepoint freed ids, with the payload object and memo', () => {
    const t = createTestContext();
    const seen = recorder(t, '*');
    const sql = t.db.$client;
    const emit = (id: string) => t.deps.outbox.emit({ type: 'deal.created', dealId: id, data: { id }, memo: { note: `memo ${id}` } }, t.clock.now());
    const rolledBack = (fn: () => void) => {
      sql.prepare('SAVEPOINT body').run();
      fn();
      sql.prepare('ROLLBACK TO body').run();
      sql.prepare('RELEASE body').run();
    };
    sql.transaction(() =>
      t.deps.outbox.holdFanOutJob(() => {
        emit('d1');
        rolledBack(() => (emit('gone-2'), emit('gone-3')));
        emit('d4'); // takes the id gone-2 had
        rolledBack(() => emit('gone-5')); // above the last row: never looked at
        t.deps.outbox.fanOutInline();
      }),
    )();
    const rows = sql.prepare('SELECT id, data FROM domain_events ORDER BY id').all() as { id: number; data: string }[];
    expect(rows.map((r) => JSON.parse(r.data).id)).toEqual(['d1', 'd4']);
    expect(seen.map((e) => [e.id, e.data])).toEqual(rows.map((r) => [r.id, r.data]));
    expect(seen.map((e) => [e.payload, e.memo])).toEqual([[{ id: 'd1' }, { note: 'memo d1' }], [{ id: 'd4' }, { note: 'memo d4' }]]);
    // Handed out later by the job (another transaction), the same events come from the table alone.
    sql.prepare(`UPDATE event_cursors SET last_id = 0 WHERE consumer = 'test'`).run();
    t.deps.outbox.fanOut();
    expect(seen.slice(2).map((e) => [JSON.parse(e.data).id, e.payload, e.memo])).toEqual([['d1', undefined, undefined], ['d4', undefined, undefined]]);
  });

  it('hands out what a change records inside its own transaction, then drops the fan-out job it made redundant', () => {
    const t = createTestContext();
    const seen = recorder(t, '*', { failOnce: true });
    const queued = () => (t.db.$client.prepare(`SELECT count(*) AS n FROM jobs WHERE queue = ? AND state = 'queued'`).get(EVENTS_FANOUT_QUEUE) as { n: number }).n;
    const tx = (fn: () => void) => t.db.$client.transaction(fn).immediate();
    // The consumer fails: nothing of its work stays, and the fan-out job is still there to do it again.
    tx(() => {
      t.deps.outbox.emit({ type: 'deal.created', dealId: 'd1', data: { id: 'd1' } }, t.clock.now());
      expect(t.deps.outbox.fanOutInline()).toBe(false);
    });
    expect(seen).toEqual([]);
    expect(queued()).toBe(1);
    tx(() => {
      t.deps.outbox.emit({ type: 'deal.created', dealId: 'd2', data: { id: 'd2' } }, t.clock.now());
      expect(t.deps.outbox.fanOutInline()).toBe(true);
      expect(seen.map((e) => e.dealId)).toEqual(['d1', 'd2']);
    });
    expect(queued()).toBe(0);
    // Nothing recorded since: nothing to do, nothing read.
    expect(t.deps.outbox.fanOutInline()).toBe(false);
    expect(t.deps.outbox.fanOut()).toBe(0);
  });

  it('holding the fan-out job: queued once at the end only if something is left, never for a rolled-back batch', () => {
    const t = createTestContext();
    const seen = recorder(t, '*', { failOnce: true });
    const queued = () => (t.db.$client.prepare(`SELECT count(*) AS n FROM jobs WHERE queue = ?`).get(EVENTS_FANOUT_QUEUE) as { n: number }).n;
    const batch = (ids: string[], fn: () => void = () => undefined) =>
      t.db.$client.transaction(() =>
        t.deps.outbox.holdFanOutJob(() => {
          for (const id of ids) t.deps.outbox.emit({ type: 'deal.created', dealId: id, data: { id } }, t.clock.now());
          expect(queued()).toBe(0); // not at every event
          fn();
          t.deps.outbox.fanOutInline();
        }),
      ).immediate();
    // The consumer fails inside: the events are left, so the one job is queued with them.
    batch(['d1', 'd2']);
    expect(queued()).toBe(1);
    expect(seen).toEqual([]);
    t.deps.outbox.fanOut();
    t.db.$client.prepare(`DELETE FROM jobs`).run();
    // Handed out inside: no job at all.
    batch(['d3']);
    expect(queued()).toBe(0);
    expect(seen.map((e) => e.dealId)).toEqual(['d1', 'd2', 'd3']);
    // A batch that throws rolls its events back and queues nothing; the next batch queues as usual.
    expect(() => batch(['d4'], () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(queued()).toBe(0);
    // One that throws after recording, in a transaction that commits what was done (a worker batch does):
    // its events keep their job.
    t.db.$client.transaction(() => {
      expect(() => t.deps.outbox.holdFanOutJob(() => {
        t.deps.outbox.emit({ type: 'deal.created', dealId: 'd4b', data: { id: 'd4b' } }, t.clock.now());
        throw new Error('after the write');
      })).toThrow('after the write');
    }).immediate();
    expect(queued()).toBe(1);
    t.deps.outbox.fanOut();
    expect(seen.map((e) => e.dealId)).toEqual(['d1', 'd2', 'd3', 'd4b']);
    t.db.$client.prepare(`DELETE FROM jobs`).run();
    t.db.$client.transaction(() => t.deps.outbox.emit({ type: 'deal.created', dealId: 'd5', data: { id: 'd5' } }, t.clock.now())).immediate();
    expect(queued()).toBe(1);
    t.deps.outbox.fanOut();
    expect(seen.map((e) => e.dealId)).toEqual(['d1', 'd2', 'd3', 'd4b', 'd5']);
  });

  it('hands out a backlog in bounded shares and says when every consumer has read everything', () => {
    const t = createTestContext();
    const seen = recorder(t, '*');
    t.db.$client.transaction(() => {
      for (let i = 0; i < 600; i++) t.deps.outbox.emit({ type: 'deal.created', dealId: `d${i}`, data: { id: i } }, t.clock.now());
    })();
    expect(t.deps.outbox.fanOut(1)).toBe(500);
    expect(t.deps.outbox.drained()).toBe(false);
    expect(t.deps.outbox.fanOut(1)).toBe(100);
    expect(t.deps.outbox.drained()).toBe(true);
    expect(seen).toHaveLength(600);
  });

  it('matches subscription patterns', () => {
    expect(matchesEventPattern('deal.*', 'deal.stage_changed')).toBe(true);
    expect(matchesEventPattern('deal.*', 'contact.created')).toBe(false);
    expect(matchesEventPattern('*', 'task.due')).toBe(true);
    expect(matchesEventPattern('message.received', 'message.received')).toBe(true);
    expect(matchesEventPattern('message.*', 'messages.x')).toBe(false);
  });
});
