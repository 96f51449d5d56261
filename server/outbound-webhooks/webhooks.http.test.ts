import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { registerEventJobs } from '../events/events.jobs.js';
import { EVENTS_FANOUT_QUEUE } from '../events/events.outbox.js';
import { projectRoot } from '../lib/paths.js';
import { listen } from '../whatsapp/simulator/simulator.testkit.js';
import { verifyParleySignature } from './webhooks.signature.js';
import { createWebhooksTest } from './webhooks.testkit.js';

/* Real HTTP and the real job worker: events → outbox fan-out → webhooks.deliver → a loopback receiver. */

interface Received {
  path: string;
  headers: Record<string, string>;
  raw: Buffer;
}

/** A receiver on 127.0.0.1: `/hook` answers 200, `/slow` never answers. */
async function startReceiver() {
  const received: Received[] = [];
  const app = new Hono();
  app.post('/hook', async (c) => {
    received.push({ path: '/hook', headers: Object.fromEntries(c.req.raw.headers.entries()), raw: Buffer.from(await c.req.arrayBuffer()) });
    return c.text('got it');
  });
  app.post('/slow', async (c) => {
    received.push({ path: '/slow', headers: Object.fromEntries(c.req.raw.headers.entries()), raw: Buffer.from(await c.req.arrayBuffer()) });
    await new Promise(() => undefined);
    return c.text('never');
  });
  const server = await listen(app.fetch);
  return { ...server, received };
}

async function waitFor(what: string, check: () => boolean, ms = 8_000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The README's verifier, exactly as printed there, loaded as a module. */
async function readmeVerifier(): Promise<typeof verifyParleySignature> {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Outbound webhooks'), readme.indexOf('## How it works'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('no js snippet in the README section');
  const file = join(mkdtempSync(join(tmpdir(), 'parley-readme-')), 'verify-parley.mjs');
  writeFileSync(file, code);
  return ((await import(pathToFileURL(file).href)) as { verifyParleySignature: typeof verifyParleySignature }).verifyParleySignature;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(timeoutMs?: number) {
  const receiver = await startReceiver();
  const w = await createWebhooksTest({ timeoutMs });
  registerEventJobs(w.t.deps);
  w.t.deps.worker.start();
  cleanups.push(receiver.close, () => w.t.deps.worker.stop({ timeoutMs: 50 }));
  const row = (id: string) => w.deliveries().find((d) => d.subscription_id === id);
  return { w, receiver, row };
}

describe('outbound webhooks over real HTTP', () => {
  it('POSTs a signed event that both the verifier and the README snippet accept', async () => {
    const { w, receiver, row } = await setup();
    const sub = await w.subscribe({ url: `${receiver.url}/hook`, events: ['deal.*'] });
    w.emit('deal.created', { id: 'd1', title: 'Ten bikes' }, { dealId: 'd1' });
    w.t.deps.notify(EVENTS_FANOUT_QUEUE);
    await waitFor('the delivery', () => row(sub.id)?.state === 'delivered');

    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    const delivery = row(sub.id)!;
    expect(got!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1',
      'x-parley-event': 'deal.created',
      'x-parley-delivery': delivery.id,
    });
    expect(JSON.parse(got!.raw.toString('utf8'))).toEqual({ id: `evt_${delivery.event_id}`, type: 'deal.created', createdAt: new Date(w.t.clock.now()).toISOString(), data: { id: 'd1', title: 'Ten bikes' } });
    expect(delivery).toMatchObject({ attempts: 1, last_status: 200, last_response: 'got it' });

    const now = Math.floor(w.t.clock.now() / 1000);
    const signature = got!.headers['x-parley-signature']!;
    const tampered = Buffer.from(got!.raw.toString('utf8').replace('Ten', 'Two'));
    const fromReadme = await readmeVerifier();
    for (const verify of [verifyParleySignature, fromReadme]) {
      expect(verify(sub.secret, signature, got!.raw, now)).toBe(true);
      expect(verify(sub.secret, signature, tampered, now)).toBe(false);
      expect(verify(sub.secret, signature, got!.raw, now + 301)).toBe(false);
      expect(verify('not-the-secret-at-all', signature, got!.raw, now)).toBe(false);
    }

    // The test ping goes the same way, answered in the request.
    const ping = (await (await w.request(`/webhooks/${sub.id}/test`, { body: {} })).json()).data;
    expect(ping).toMatchObject({ state: 'delivered', lastStatus: 200, eventType: 'ping' });
    expect(receiver.received.at(-1)!.headers['x-parley-event']).toBe('ping');
    expect(fromReadme(sub.secret, receiver.received.at(-1)!.headers['x-parley-signature'], receiver.received.at(-1)!.raw, now)).toBe(true);
  });

  it('keeps delivering to other endpoints while one hangs, and times the hanging one out', async () => {
    const { w, receiver, row } = await setup(3_000);
    const slow = await w.subscribe({ url: `${receiver.url}/slow`, events: ['*'] });
    const fast = await w.subscribe({ url: `${receiver.url}/hook`, events: ['*'] });
    w.emit('contact.created', { id: 'c1' });
    w.emit('contact.updated', { id: 'c1' });
    w.t.deps.notify(EVENTS_FANOUT_QUEUE);
    await waitFor('both fast deliveries', () => w.deliveries().filter((d) => d.subscription_id === fast.id && d.state === 'delivered').length === 2);
    // The slow endpoint has the requests but has not answered; nothing is recorded for it yet.
    expect(receiver.received.filter((r) => r.path === '/slow').length).toBeGreaterThan(0);
    expect(row(slow.id)).toMatchObject({ state: 'pending', attempts: 0 });
    await waitFor('the timeout', () => w.deliveries().filter((d) => d.subscription_id === slow.id && d.attempts === 1).length === 2);
    expect(row(slow.id)).toMatchObject({ state: 'pending', last_status: null, last_error: 'timed out after 3 s' });
  });

  it('leaves the delivery failed when its job dies', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const w = await createWebhooksTest();
    const sub = await w.subscribe({ url: `${receiver.url}/hook`, events: ['*'] });
    w.emit('task.created', { id: 't1' });
    w.t.deps.outbox.fanOut();
    // As if a worker had crashed on every attempt: the next claim buries the job.
    w.t.db.$client.prepare(`UPDATE jobs SET attempts = max_attempts WHERE queue = 'webhooks.deliver'`).run();
    w.t.deps.worker.start();
    cleanups.push(() => w.t.deps.worker.stop({ timeoutMs: 50 }));
    await waitFor('the dead job', () => w.deliveries()[0]?.state === 'failed');
    expect(w.deliveries()[0]).toMatchObject({ subscription_id: sub.id, attempts: 0, last_error: expect.stringMatching(/^gave up: lease expired/) });
    expect(receiver.received).toEqual([]);
  });
});
