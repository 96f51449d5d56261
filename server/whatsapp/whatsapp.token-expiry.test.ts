import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { directJobContext } from '../jobs/jobs.worker.js';
import { silentLogger } from '../lib/logger.js';
import { downloadMediaJob } from '../media/media.jobs.js';
import { syncTemplatesJob } from '../templates/templates.jobs.js';
import { createTestContext } from '../testing.js';
import { markReadJob } from './outbound/outbound.jobs.js';
import { createSimulator, type Simulator } from './simulator/simulator.js';
import { MEDIA_DOWNLOAD_QUEUE } from './webhook/webhook.apply.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from './webhook/webhook.ingest.js';
import { processWebhookEvents } from './webhook/webhook.process.js';

// Meta answers every call with 190 once a token expires: whichever job meets it first must flag the
// channel "needs token" (not only a send), and none of them may retry into a dead job.
const PNID = '106540352249901';
const WABA = '102290129349902';
const TOKEN = 'EAAG-expiring-token';
const GRAPH = 'http://meta.test/graph';

const running: Simulator[] = [];
afterEach(() => {
  for (const sim of running.splice(0)) sim.stop();
});

function setup() {
  let t!: ReturnType<typeof createTestContext>;
  const sim = createSimulator({
    phoneNumberId: PNID,
    wabaId: WABA,
    displayPhoneNumber: '15550009999',
    accessToken: TOKEN,
    appSecret: 'expiry-app-secret',
    webhookUrl: 'http://parley.test/webhooks/whatsapp',
    publicBaseUrl: GRAPH,
    statusDelaysMs: { sent: 600_000, delivered: 600_000, read: 600_000 },
    fetch: async (input, init) => t.app.request(input instanceof Request ? input : String(input), init),
  });
  running.push(sim);
  const meta = new Hono().route('/graph', sim.app);
  t = createTestContext({ fetch: async (input, init) => meta.request(input instanceof Request ? input.url : String(input), init) });
  const channel = t.deps.channels.create({ phoneNumberId: PNID, wabaId: WABA, accessToken: TOKEN, appSecret: 'expiry-app-secret', verifyToken: 'verify-expiry', graphBaseUrl: GRAPH });
  const status = () => t.deps.channels.byId(channel.id)!;
  return { t, sim, channel, status };
}

const job = <P>(payload: P, attempts = 1) => directJobContext({ id: 1, queue: 'q', payload, attempts, maxAttempts: 8, leaseToken: 'x', createdAt: 0 }, silentLogger);

describe('an access token that expired', () => {
  it('fails the media download with the reason and flags the channel, without a retry', async () => {
    const { t, sim, channel, status } = setup();
    await sim.customer.sendMedia({ from: '14155550301', kind: 'image', bytes: new Uint8Array([1, 2, 3]), mimeType: 'image/jpeg' });
    const stored = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
    processWebhookEvents(t.deps, stored.flatMap((j) => j.payload.eventIds));
    const [download] = t.deps.jobs.claim<{ mediaId: string }>(MEDIA_DOWNLOAD_QUEUE, 1, 60_000);

    sim.faults.tokenExpired = true;
    await expect(downloadMediaJob(t.deps, download!.payload, job(download!.payload))).resolves.toBeUndefined();
    const media = t.db.$client.prepare('SELECT state, error FROM media WHERE id = ?').get(download!.payload.mediaId) as { state: string; error: string };
    expect(media).toEqual({ state: 'failed', error: expect.stringMatching(/access token/) });
    expect(status()).toMatchObject({ id: channel.id, status: 'needs_token', statusReason: expect.stringMatching(/new token/) });
  });

  it('flags the channel when a read receipt meets it, and drops the receipt instead of retrying', async () => {
    const { t, sim, channel, status } = setup();
    sim.faults.tokenExpired = true;
    await expect(markReadJob(t.deps, { channelId: channel.id, waMessageId: 'wamid.HBgLMTQxNTU1NTAzMDIVAgASGBQzQQA=' }, job({}))).resolves.toBeUndefined();
    expect(status().status).toBe('needs_token');
    expect(sim.readReceipts).toEqual([]);
  });

  it('flags the channel when a template sync meets it, and leaves the templates as they were', async () => {
    const { t, sim, channel, status } = setup();
    sim.faults.tokenExpired = true;
    await expect(syncTemplatesJob(t.deps, { channelId: channel.id }, new AbortController().signal)).resolves.toBeUndefined();
    expect(status().status).toBe('needs_token');
    expect((t.db.$client.prepare('SELECT count(*) AS n FROM templates').get() as { n: number }).n).toBe(0);
    // Other Graph errors still throw, so the worker retries them.
    t.deps.channels.setStatus(channel.id, 'active', null);
    sim.faults.tokenExpired = false;
    sim.stop(); // every Graph call now fails: Meta "unreachable"
    await syncTemplatesJob(t.deps, { channelId: channel.id }, new AbortController().signal).catch(() => undefined);
    expect(status().status).toBe('active');
  });
});
