import { getRequestListener } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext } from '../testing.js';
import { directJobContext } from '../jobs/jobs.worker.js';
import { downloadMediaJob } from '../media/media.jobs.js';
import { silentLogger } from '../lib/logger.js';
import { sendMessageJob } from '../whatsapp/outbound/outbound.jobs.js';
import { SEND_MESSAGE_QUEUE } from '../whatsapp/outbound/outbound.usecases.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { registerWhatsAppJobs } from '../whatsapp/whatsapp.jobs.js';
import { createWebhookFastPath } from '../whatsapp/webhook/webhook.fast-path.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const PNID = '220011223344556';
const APP_SECRET = 'fixture-app-secret';
const fixture = (name: string) => serializeMetaStyle(JSON.parse(readFileSync(new URL(`../whatsapp/webhook/fixtures/${name}.json`, import.meta.url), 'utf8')));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function setup(opts: { token?: boolean; fetch?: typeof fetch } = {}) {
  const t = createTestContext({ env: opts.token === false ? {} : { METRICS_TOKEN: TOKEN }, fetch: opts.fetch });
  const channel = t.deps.channels.create({ phoneNumberId: PNID, wabaId: '310998877665544', accessToken: 'EAAG-test-token', appSecret: APP_SECRET, verifyToken: 'verify-me-please', graphBaseUrl: 'http://graph.test' });
  const scrape = async () => {
    const res = await t.request('/metrics', { token: TOKEN });
    expect(res.status).toBe(200);
    return res.text();
  };
  /** The value of one sample line (`name{labels}` exactly as rendered), or undefined when absent. */
  const sample = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  return { t, channel, scrape, sample };
}

/** Serves the app the way main.ts does: the webhook fast path first, then Hono, on a real port. */
async function listen(t: ReturnType<typeof createTestContext>) {
  const hono = getRequestListener(t.app.fetch);
  const fastPath = createWebhookFastPath(t.deps);
  const server: Server = createServer((req, res) => {
    if (!fastPath(req, res)) void hono(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until(check: () => boolean, timeoutMs = 5_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('GET /metrics access', () => {
  it('answers 401 without credentials and with a wrong bearer token', async () => {
    const { t } = setup();
    const bare = await t.request('/metrics');
    expect(bare.status).toBe(401);
    expect((await bare.json()).error.code).toBe('auth.unauthenticated');
    expect((await t.request('/metrics', { token: `${TOKEN}x` })).status).toBe(401);
  });

  it('serves the text format to the METRICS_TOKEN bearer', async () => {
    const { t } = setup();
    const res = await t.request('/metrics', { token: TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE parley_webhook_requests_total counter');
    expect(text).toMatch(/^parley_build_info\{version="[^"]+",node="v\d+[^"]*"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]\d*$/m);
    expect(text).toMatch(/^parley_db_size_bytes\{file="db"\} [1-9]\d*$/m);
  });

  it('serves an owner or admin session, refuses an agent with 403', async () => {
    const { t } = setup();
    for (const role of ['owner', 'admin'] as const) {
      const { cookie } = await t.signIn(role);
      expect((await t.request('/metrics', { cookie })).status).toBe(200);
    }
    const agent = await t.signIn('agent');
    const res = await t.request('/metrics', { cookie: agent.cookie });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('auth.forbidden');
  });

  it('without METRICS_TOKEN, only an admin session gets in: no bearer value works', async () => {
    const { t } = setup({ token: false });
    expect((await t.request('/metrics', { token: TOKEN })).status).toBe(401);
    const { cookie } = await t.signIn('admin');
    expect((await t.request('/metrics', { cookie })).status).toBe(200);
  });
});

describe('metrics from the running app', () => {
  it('counts webhook intake by outcome, then processing, messages and redeliveries; queue gauges appear', async () => {
    const { t, scrape, sample } = setup();
    registerWhatsAppJobs(t.deps);
    const base = await listen(t);
    const body = fixture('text');
    const post = (signature: string) => fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'x-hub-signature-256': signature }, body });

    expect((await post(signWebhookBody(body, APP_SECRET))).status).toBe(200);
    expect((await post(signWebhookBody(body, 'forged'))).status).toBe(401);
    // The Hono route (tests, or a server without the fast path) counts the same way.
    expect((await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', body: '{}' })).status).toBe(401);
    let text = await scrape();
    expect(sample(text, 'parley_webhook_requests_total{outcome="accepted"}')).toBe(1);
    expect(sample(text, 'parley_webhook_requests_total{outcome="bad_signature"}')).toBe(2);
    expect(sample(text, 'parley_webhook_request_duration_seconds_count')).toBe(3);
    expect(sample(text, 'parley_webhook_request_duration_seconds_bucket{le="+Inf"}')).toBe(3);
    // Stored, not processed yet: the processing job waits in its queue.
    expect(sample(text, 'parley_job_queue_depth{queue="whatsapp.process-webhook"}')).toBe(1);
    expect(sample(text, 'parley_webhook_events_total{result="processed"}')).toBe(0); // bound at start: present from the first scrape

    t.deps.worker.start();
    cleanups.push(() => t.deps.worker.stop({ timeoutMs: 100 }));
    const processed = () => (t.db.$client.prepare(`SELECT count(*) AS n FROM webhook_events WHERE state = 'processed'`).get() as { n: number }).n;
    await until(() => processed() === 1);
    // Meta delivers the same message again: stored and processed, but no second message.
    expect((await post(signWebhookBody(body, APP_SECRET))).status).toBe(200);
    await until(() => processed() === 2);
    await until(() => t.deps.worker.inflight()['whatsapp.process-webhook'] === 0);

    text = await scrape();
    expect(sample(text, 'parley_webhook_requests_total{outcome="accepted"}')).toBe(2);
    expect(sample(text, 'parley_webhook_events_total{result="processed"}')).toBe(2);
    expect(sample(text, 'parley_webhook_events_total{result="failed"}')).toBe(0);
    expect(sample(text, 'parley_messages_total{direction="inbound"}')).toBe(1);
    expect(sample(text, 'parley_webhook_duplicate_messages_total')).toBe(1);
    // Every registered queue is listed, empty ones as 0.
    expect(sample(text, 'parley_job_queue_depth{queue="whatsapp.process-webhook"}')).toBe(0);
    expect(sample(text, 'parley_job_queue_depth{queue="whatsapp.send-message"}')).toBe(0);
    expect(sample(text, 'parley_job_oldest_due_age_seconds{queue="whatsapp.process-webhook"}')).toBe(0);
    expect(sample(text, 'parley_jobs_dead{queue="whatsapp.send-message"}')).toBe(0);
  });

  it('reports how long the oldest due job has waited, and dead jobs per queue', async () => {
    const { t, scrape, sample } = setup();
    registerWhatsAppJobs(t.deps);
    t.deps.jobs.enqueue('media.download', { mediaId: 'med_x' });
    t.clock.advance(90_000);
    t.deps.jobs.enqueue('media.download', { mediaId: 'med_y' }, { runAt: t.clock.now() + 60_000 }); // not due yet
    const [job] = t.deps.jobs.claim('media.download', 1, 1_000);
    expect(t.deps.jobs.fail(job!, 'gone', { permanent: true })).toBe('dead');
    t.deps.jobs.enqueue('media.download', { mediaId: 'med_z' }, { runAt: t.clock.now() - 30_000 });
    const text = await scrape();
    expect(sample(text, 'parley_job_queue_depth{queue="media.download"}')).toBe(2);
    expect(sample(text, 'parley_job_oldest_due_age_seconds{queue="media.download"}')).toBe(30);
    expect(sample(text, 'parley_jobs_dead{queue="media.download"}')).toBe(1);
  });

  it('counts Graph API failures by Meta error code, HTTP status and network failure', async () => {
    const answers: (() => Response)[] = [
      () => Response.json({ error: { message: '(#131026) Message undeliverable', code: 131026, type: 'OAuthException' } }, { status: 400 }),
      () => new Response('<html>bad gateway</html>', { status: 502 }),
    ];
    const fakeFetch = (async () => {
      const next = answers.shift();
      if (!next) throw new TypeError('fetch failed');
      return next();
    }) as typeof fetch;
    const { t, channel, scrape, sample } = setup({ fetch: fakeFetch });
    const graph = t.deps.graphFor(t.deps.channels.byId(channel.id)!);
    for (let i = 0; i < 3; i++) await expect(graph.sendMessage(PNID, { to: '15551234567', type: 'text', text: { body: 'hi' } })).rejects.toThrow();
    // A call the caller aborts is not Meta's failure.
    const aborted = AbortSignal.abort();
    await expect(graph.getMedia('123', { signal: aborted })).rejects.toThrow();
    const text = await scrape();
    expect(sample(text, 'parley_graph_errors_total{code="131026"}')).toBe(1);
    expect(sample(text, 'parley_graph_errors_total{code="http_502"}')).toBe(1);
    expect(sample(text, 'parley_graph_errors_total{code="network"}')).toBe(1);
    expect(text.match(/^parley_graph_errors_total\{/gm)).toHaveLength(3);
  });

  it('counts sends: accepted (messages out), retried, failed, and delivery statuses from Meta', async () => {
    const answers: (() => Response)[] = [
      () => Response.json({ messaging_product: 'whatsapp', contacts: [{ input: '14155550100', wa_id: '14155550100' }], messages: [{ id: 'wamid.OUT1' }] }),
      () => Response.json({ error: { message: 'Service unavailable', code: 131000 } }, { status: 500 }),
      () => Response.json({ error: { message: '(#131026) Message undeliverable', code: 131026 } }, { status: 400 }),
    ];
    const { t, channel, scrape, sample } = setup({ fetch: (async () => answers.shift()!()) as typeof fetch });
    const now = t.clock.now();
    t.db.$client.prepare(`INSERT INTO contacts (id, name, phone, wa_id, created_at, updated_at) VALUES ('ct_ana', 'Ana', '+14155550100', '14155550100', ?, ?)`).run(now, now);
    t.db.$client
      .prepare(`INSERT INTO conversations (id, contact_id, channel_id, last_inbound_at, window_expires_at, created_at, updated_at) VALUES ('cv_ana', 'ct_ana', ?, ?, ?, ?, ?)`)
      .run(channel.id, now - 60_000, now + 3600_000, now, now);
    const { cookie } = await t.signIn('agent');
    const runSends = async () => {
      for (const job of t.deps.jobs.claim<{ messageId: string }>(SEND_MESSAGE_QUEUE, 10, 60_000)) {
        await sendMessageJob(t.deps, job.payload, directJobContext(job, silentLogger)).catch(() => {});
      }
    };
    for (const text of ['one', 'two']) expect((await t.request('/api/v1/conversations/cv_ana/messages', { cookie, body: { type: 'text', text } })).status).toBe(202);
    // One is accepted; two waits for the recipient's pair limit, then hits a transient error (retried),
    // then Meta calls it undeliverable (failed for good).
    for (let round = 0; round < 5 && answers.length > 0; round++) {
      await runSends();
      t.clock.advance(600_000);
    }
    expect(answers).toHaveLength(0);

    const status = { object: 'whatsapp_business_account', entry: [{ id: '310998877665544', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: PNID },
      statuses: [{ id: 'wamid.OUT1', status: 'delivered', timestamp: String(Math.floor(t.clock.now() / 1000)), recipient_id: '14155550100' }],
    } }] }] };
    const raw = serializeMetaStyle(status);
    expect((await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(raw, APP_SECRET) }, body: raw })).status).toBe(200);
    const ids = (t.db.$client.prepare('SELECT id FROM webhook_events').all() as { id: number }[]).map((r) => r.id);
    expect(processWebhookEvents(t.deps, ids).size).toBe(0);

    const text = await scrape();
    expect(sample(text, 'parley_messages_total{direction="outbound"}')).toBe(1);
    expect(sample(text, 'parley_sends_total{state="sent"}')).toBe(1);
    expect(sample(text, 'parley_send_retries_total')).toBe(1);
    expect(sample(text, 'parley_sends_total{state="failed"}')).toBe(1);
    expect(sample(text, 'parley_sends_total{state="delivered"}')).toBe(1);
    expect(sample(text, 'parley_graph_errors_total{code="131026"}')).toBe(1);
  });

  it('counts media bytes uploaded to and downloaded from Meta, and the bytes Parley holds', async () => {
    const fakeMeta = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (init?.method === 'POST' && url.endsWith('/media')) return Response.json({ id: 'wa-up-1' });
      if (url.endsWith('/download/wa-in-1')) return new Response(new Uint8Array(500).fill(7), { headers: { 'content-type': 'image/jpeg' } });
      if (url.endsWith('/wa-in-1')) return Response.json({ id: 'wa-in-1', url: 'http://graph.test/download/wa-in-1', mime_type: 'image/jpeg', file_size: 500 });
      return new Response('not found', { status: 404 });
    }) as typeof fetch;
    const { t, channel, scrape, sample } = setup({ fetch: fakeMeta });
    const { cookie } = await t.signIn('agent');
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(1_000).fill(1)], { type: 'image/png' }), 'a.png');
    const up = await t.app.request('http://parley.test/api/v1/media', { method: 'POST', headers: { cookie, origin: t.origin }, body: form });
    expect(up.status).toBe(201);

    const now = t.clock.now();
    t.db.$client.prepare(`INSERT INTO media (id, channel_id, direction, wa_media_id, state, created_at, updated_at) VALUES ('med_in', ?, 'inbound', 'wa-in-1', 'pending', ?, ?)`).run(channel.id, now, now);
    t.deps.jobs.enqueue('media.download', { mediaId: 'med_in' });
    const [job] = t.deps.jobs.claim<{ mediaId: string }>('media.download', 1, 60_000);
    await downloadMediaJob(t.deps, job!.payload, directJobContext(job!, silentLogger));

    const text = await scrape();
    expect(sample(text, 'parley_media_uploaded_bytes_total')).toBe(1_000);
    expect(sample(text, 'parley_media_downloaded_bytes_total')).toBe(500);
    expect(sample(text, 'parley_media_stored_bytes')).toBe(1_500);
    expect(sample(text, 'parley_media_stored_files')).toBe(2);
  });

  it('counts open live-update streams while they are open', async () => {
    const { t, scrape, sample } = setup();
    const { cookie } = await t.signIn('agent');
    const res = await t.request('/api/v1/events', { cookie });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: ready');
    expect(sample(await scrape(), 'parley_sse_clients')).toBe(1);
    await reader.cancel();
    await until(() => t.deps.metrics.sseClients.value === 0);
    expect(sample(await scrape(), 'parley_sse_clients')).toBe(0);
  });
});
