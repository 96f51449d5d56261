import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { setSetting } from '../teams/teams.repository.js';
import { SYNC_TEMPLATES_QUEUE, syncTemplatesJob } from '../templates/templates.jobs.js';
import { createTestContext } from '../testing.js';
import { createSimulator, type Simulator } from '../whatsapp/simulator/simulator.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import type { ChannelCheck, CheckLine } from './channels.check.js';

const PNID = '106540352249001';
const WABA = '102290129349002';
const TOKEN = 'EAAG-doctor-token';
const SECRET = 'doctor-app-secret';
const VERIFY = 'doctor-verify-token';
const GRAPH = 'http://meta.test/graph';

const running: Simulator[] = [];
afterEach(() => {
  for (const sim of running.splice(0)) sim.stop();
});

/** Parley with one channel whose Graph calls reach an in-process simulator and whose webhooks come back signed. */
async function setup(opts: { offline?: boolean; phoneNumberId?: string; wabaId?: string | null; debugToken?: Response } = {}) {
  let t!: ReturnType<typeof createTestContext>;
  const sim = createSimulator({
    phoneNumberId: PNID,
    wabaId: WABA,
    displayPhoneNumber: '15550009001',
    accessToken: TOKEN,
    appSecret: SECRET,
    webhookUrl: 'http://parley.test/webhooks/whatsapp',
    publicBaseUrl: GRAPH,
    clock: { now: () => t.clock.now() },
    statusDelaysMs: { sent: 600_000, delivered: 600_000, read: 600_000 },
    fetch: async (input, init) => t.app.request(input instanceof Request ? input : String(input), init),
  });
  running.push(sim);
  const meta = new Hono().route('/graph', sim.app);
  t = createTestContext({
    fetch: async (input, init) => {
      if (opts.offline) throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND meta.test') });
      const url = input instanceof Request ? input.url : String(input);
      if (opts.debugToken && url.includes('/debug_token')) return opts.debugToken.clone();
      return meta.request(url, init);
    },
  });
  const channel = t.deps.channels.create({
    phoneNumberId: opts.phoneNumberId ?? PNID,
    wabaId: opts.wabaId === undefined ? WABA : opts.wabaId,
    displayPhoneNumber: '15550009001',
    accessToken: TOKEN,
    appSecret: SECRET,
    verifyToken: VERIFY,
    graphBaseUrl: GRAPH,
  });
  const owner = await t.signIn('owner');

  const check = async (id = channel.id) => {
    const res = await t.request(`/api/v1/channels/${id}/check`, { cookie: owner.cookie });
    expect(res.status).toBe(200);
    return (await res.json()).data as ChannelCheck;
  };
  const lineOf = (c: ChannelCheck, id: CheckLine['id']) => c.lines.find((l) => l.id === id)!;
  /** Everything a healthy live setup has done: Meta verified the URL, a customer wrote, templates synced. */
  const makeHealthy = async () => {
    expect((await sim.verifyWebhook(VERIFY)).verified).toBe(true);
    await sim.customer.sendText({ from: '14155550123', name: 'Dana', text: 'Hello' });
    await sim.idle();
    processWebhookEvents(t.deps, t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000).flatMap((j) => j.payload.eventIds));
    await syncTemplatesJob(t.deps, { channelId: channel.id }, new AbortController().signal);
  };
  return { t, sim, channel, owner, check, lineOf, makeHealthy };
}

describe('the setup check', () => {
  it('is all green against a healthy simulated account', async () => {
    const s = await setup();
    await s.makeHealthy();
    const result = await s.check();
    expect(result.lines.map((l) => [l.id, l.status])).toEqual([
      ['token', 'ok'],
      ['phone_number', 'ok'],
      ['quality', 'ok'],
      ['subscription', 'ok'],
      ['webhook_verified', 'ok'],
      ['webhook_received', 'ok'],
      ['templates', 'ok'],
    ]);
    expect(result.status).toBe('ok');
    expect(s.lineOf(result, 'token').summary).toMatch(/never expires/);
    expect(s.lineOf(result, 'phone_number').summary).toMatch(/\+1 555.*Parley Sandbox/);
    expect(s.lineOf(result, 'quality').summary).toBe('Quality high · 80 messages/second · 250 customers a day.');
    expect(s.lineOf(result, 'subscription').summary).toMatch(/Parley Sandbox/);
    expect(s.lineOf(result, 'templates').summary).toMatch(/^\d+ templates \(\d+ approved\), last synced just now/);
    expect(result.lines.every((l) => l.fix === null)).toBe(true);
  });

  it('turns an expired token into a red token line with the fix, and skips what it cannot check', async () => {
    const s = await setup();
    await s.makeHealthy();
    s.sim.faults.tokenExpired = true;
    const result = await s.check();
    const token = s.lineOf(result, 'token');
    expect(token.status).toBe('fail');
    expect(token.summary).toMatch(/expired or was revoked.*Session has expired/);
    expect(token.fix).toMatch(/System users.*Generate new token.*whatsapp_business_messaging.*PATCH \/api\/v1\/channels\//);
    for (const id of ['phone_number', 'quality', 'subscription'] as const) expect(s.lineOf(result, id).status).toBe('skip');
    expect(result.status).toBe('fail');
  });

  it('warns before the token expires, and after it has (by the clock) says it is refused', async () => {
    const s = await setup();
    s.sim.account.tokenExpiresAt = Math.floor(s.t.clock.now() / 1000) + 2 * 86_400;
    const soon = s.lineOf(await s.check(), 'token');
    expect(soon.status).toBe('warn');
    expect(soon.summary).toMatch(/expires on 2026-11-25/);
    s.t.clock.advance(3 * 86_400_000);
    expect(s.lineOf(await s.check(), 'token').status).toBe('fail');
  });

  it('offers to subscribe an unsubscribed app; the button subscribes it and the line turns green', async () => {
    const s = await setup();
    s.sim.account.subscribed = false;
    const before = s.lineOf(await s.check(), 'subscription');
    expect(before).toMatchObject({ status: 'fail', action: 'subscribe' });
    expect(before.fix).toMatch(/Subscribe app/);

    const res = await s.t.request(`/api/v1/channels/${s.channel.id}/subscribe`, { method: 'POST', cookie: s.owner.cookie });
    expect(res.status).toBe(200);
    expect((await res.json()).data).toMatchObject({ id: 'subscription', status: 'ok' });
    expect(s.sim.account.subscribed).toBe(true);
    expect(s.lineOf(await s.check(), 'subscription').status).toBe('ok');
    const audit = s.t.db.$client.prepare(`SELECT action FROM audit_log WHERE entity_id = ?`).all(s.channel.id) as { action: string }[];
    expect(audit.map((a) => a.action)).toContain('channel.app_subscribed');
  });

  it('says how to verify the callback URL when Meta never did, and records the handshake when it does', async () => {
    const s = await setup();
    const never = s.lineOf(await s.check(), 'webhook_verified');
    expect(never.status).toBe('fail');
    expect(never.fix).toContain("App Dashboard → WhatsApp → Configuration, set the Callback URL to http://parley.test/webhooks/whatsapp and the Verify token to the one shown above");
    expect(never.fix).toMatch(/PUBLIC_URL is http:\/\/parley\.test.*https/);
    expect(s.lineOf(await s.check(), 'webhook_received').status).toBe('warn');

    // A wrong verify token is refused and records nothing.
    expect((await s.sim.verifyWebhook('not-the-token')).verified).toBe(false);
    expect(s.lineOf(await s.check(), 'webhook_verified').status).toBe('fail');
    expect((await s.sim.verifyWebhook(VERIFY)).verified).toBe(true);
    expect(s.lineOf(await s.check(), 'webhook_verified')).toMatchObject({ status: 'ok', summary: 'Meta verified the callback URL just now.' });
  });

  it('reports account problems Meta shows on the number', async () => {
    const s = await setup();
    s.sim.account.qualityRating = 'RED';
    expect(s.lineOf(await s.check(), 'quality')).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^Quality low/) });
    s.sim.account.qualityRating = 'GREEN';
    s.sim.account.messagingLimit = 'TIER_2K';
    expect(s.lineOf(await s.check(), 'quality').fix).toMatch(/Meta allows 2,000.*Settings → Workspace/);
    setSetting(s.t.db, 'messagingLimit', 2000);
    expect(s.lineOf(await s.check(), 'quality').status).toBe('ok');
    s.sim.account.platformType = 'NOT_APPLICABLE';
    const phone = s.lineOf(await s.check(), 'phone_number');
    expect(phone).toMatchObject({ status: 'fail', summary: expect.stringMatching(/not registered/) });
    expect(phone.fix).toMatch(/\/register/);
  });

  it.each([
    ['refuses debug_token to a non-app token (100)', { error: { message: '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app', type: 'OAuthException', code: 100, fbtrace_id: 'A1' } }, 400],
    ['answers debug_token with 190 although the token works elsewhere', { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'A2' } }, 401],
  ])('keeps the token green when Meta %s: expiry is reported as unknown', async (_name, body, status) => {
    const s = await setup({ debugToken: new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }) });
    const result = await s.check();
    expect(s.lineOf(result, 'token')).toMatchObject({ status: 'ok', summary: expect.stringMatching(/did not say when it expires/) });
    expect(s.lineOf(result, 'subscription').status).toBe('ok');
  });

  it('says when sending is paused after an earlier token refusal although Meta accepts the token now', async () => {
    const s = await setup();
    s.t.deps.channels.setStatus(s.channel.id, 'needs_token', 'The WhatsApp access token has expired or was revoked.');
    const token = s.lineOf(await s.check(), 'token');
    expect(token).toMatchObject({ status: 'warn', fix: expect.stringMatching(/paused.*PATCH \/api\/v1\/channels\/ch_/) });
  });

  it('names a wrong phone number id without blaming the token', async () => {
    const s = await setup({ phoneNumberId: '999999999999' });
    const result = await s.check();
    expect(s.lineOf(result, 'token').status).toBe('ok');
    expect(s.lineOf(result, 'phone_number')).toMatchObject({ status: 'fail', summary: expect.stringContaining('999999999999') });
    expect(s.lineOf(result, 'phone_number').fix).toMatch(/API Setup/);
  });

  it('explains a channel without a WABA id', async () => {
    const s = await setup({ wabaId: null });
    const result = await s.check();
    expect(s.lineOf(result, 'subscription')).toMatchObject({ status: 'fail', action: null, fix: expect.stringMatching(/WA_WABA_ID/) });
    expect(s.lineOf(result, 'templates').status).toBe('skip');
  });

  it('turns an unreachable Meta into a failed line, not a 500', async () => {
    const s = await setup({ offline: true });
    const result = await s.check();
    expect(s.lineOf(result, 'token')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/could not reach Meta.*ENOTFOUND/) });
    expect(s.lineOf(result, 'subscription').status).toBe('skip');
    const res = await s.t.request(`/api/v1/channels/${s.channel.id}/subscribe`, { method: 'POST', cookie: s.owner.cookie });
    expect(res.status).toBe(200);
    expect((await res.json()).data).toMatchObject({ status: 'fail', summary: expect.stringMatching(/could not reach Meta/) });
  });

  it('reports a failed template sync with its error', async () => {
    const s = await setup();
    await s.makeHealthy();
    const id = s.t.deps.jobs.enqueue(SYNC_TEMPLATES_QUEUE, { channelId: s.channel.id }, { maxAttempts: 1 })!;
    s.t.clock.advance(60_000);
    const [job] = s.t.deps.jobs.claim(SYNC_TEMPLATES_QUEUE, 1, 60_000);
    s.t.deps.jobs.fail(job!, 'Graph API error #190 (HTTP 401): Access token has expired', { permanent: true });
    expect(s.t.deps.jobs.get(id)!.state).toBe('dead');
    const templates = s.lineOf(await s.check(), 'templates');
    expect(templates).toMatchObject({ status: 'fail', summary: expect.stringMatching(/sync failed: Graph API error #190/) });
  });
});

describe('the setup check routes', () => {
  it.each([
    ['GET', 'check'],
    ['POST', 'subscribe'],
  ])('%s /channels/:id/%s: 404 for an unknown channel, 401 signed out, 403 for agents', async (method, action) => {
    const s = await setup();
    expect((await s.t.request(`/api/v1/channels/ch_nope/${action}`, { method, cookie: s.owner.cookie })).status).toBe(404);
    expect((await s.t.request(`/api/v1/channels/${s.channel.id}/${action}`, { method })).status).toBe(401);
    const agent = await s.t.signIn('agent');
    const res = await s.t.request(`/api/v1/channels/${s.channel.id}/${action}`, { method, cookie: agent.cookie });
    expect(res.status).toBe(403);
    expect(s.sim.account.subscribed).toBe(true);
  });
});
