import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../lib/clock.js';
import { createSimulator } from './simulator.js';
import { HARNESS, listen, startHarness } from './simulator.testkit.js';

type Harness = Awaited<ReturnType<typeof startHarness>>;
const open: Harness[] = [];
const closers: (() => Promise<void>)[] = [];
async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  open.push(h);
  return h;
}
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  for (const close of closers.splice(0)) await close();
});

describe('debug_token', () => {
  it('describes the bearer token in Meta’s shape: a system user token that never expires', async () => {
    const h = await harness();
    const res = await h.graph(`/v24.0/debug_token?input_token=${HARNESS.accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        app_id: expect.stringMatching(/^\d+$/),
        type: 'SYSTEM_USER',
        application: expect.any(String),
        data_access_expires_at: 0,
        expires_at: 0,
        is_valid: true,
        issued_at: expect.any(Number),
        scopes: expect.arrayContaining(['whatsapp_business_management', 'whatsapp_business_messaging']),
        granular_scopes: expect.arrayContaining([{ scope: 'whatsapp_business_messaging', target_ids: [HARNESS.wabaId] }]),
        user_id: expect.any(String),
      },
    });
    // The subscribed app is the token's app.
    const apps = await h.graph(`/v24.0/${HARNESS.wabaId}/subscribed_apps`);
    expect(apps.body!.data[0].whatsapp_business_api_data.id).toBe(res.body!.data.app_id);
  });

  it('answers 200 with is_valid false for another token, and 100 without input_token', async () => {
    const h = await harness();
    const other = await h.graph('/v24.0/debug_token?input_token=EAAG-someone-else');
    expect(other.body).toEqual({ data: { error: { code: 190, message: expect.any(String) }, is_valid: false, scopes: [] } });
    const missing = await h.graph('/v24.0/debug_token');
    expect(missing.status).toBe(400);
    expect(missing.body!.error.code).toBe(100);
  });
});

describe('token expiry', () => {
  it('faults.tokenExpired: every call answers 190 / 463 with HTTP 401', async () => {
    const h = await harness();
    h.sim.faults.tokenExpired = true;
    for (const path of [`/v24.0/${HARNESS.phoneNumberId}`, `/v24.0/${HARNESS.wabaId}/subscribed_apps`, `/v24.0/debug_token?input_token=${HARNESS.accessToken}`]) {
      const res = await h.graph(path);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: { message: expect.stringMatching(/^Error validating access token: Session has expired/), type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: expect.any(String) },
      });
    }
    h.sim.faults.tokenExpired = false;
    expect((await h.graph(`/v24.0/${HARNESS.phoneNumberId}`)).status).toBe(200);
  });

  it('account.tokenExpiresAt: reported by debug_token, then enforced once the clock passes it', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 1));
    const h = await harness({ clock });
    h.sim.account.tokenExpiresAt = Math.floor(clock.now() / 1000) + 3600;
    expect((await h.graph(`/v24.0/debug_token?input_token=${HARNESS.accessToken}`)).body!.data.expires_at).toBe(h.sim.account.tokenExpiresAt);
    clock.advance(3_600_000);
    expect((await h.graph(`/v24.0/${HARNESS.phoneNumberId}`)).body!.error).toMatchObject({ code: 190, error_subcode: 463 });
  });
});

describe('phone number node', () => {
  it('serves the account state: quality, registration, throughput and the messaging limit', async () => {
    const h = await harness();
    Object.assign(h.sim.account, { qualityRating: 'YELLOW', platformType: 'NOT_APPLICABLE', status: 'PENDING', throughputLevel: 'HIGH', messagingLimit: 'TIER_10K' });
    const res = await h.graph(`/v24.0/${HARNESS.phoneNumberId}?fields=quality_rating,platform_type,status,throughput,whatsapp_business_manager_messaging_limit`);
    expect(res.body).toEqual({
      quality_rating: 'YELLOW',
      platform_type: 'NOT_APPLICABLE',
      status: 'PENDING',
      throughput: { level: 'HIGH' },
      whatsapp_business_manager_messaging_limit: 'TIER_10K',
      id: HARNESS.phoneNumberId,
    });
  });
});

describe('verifyWebhook', () => {
  /** A callback URL that answers the handshake like Parley: the challenge for the right token, 403 otherwise. */
  async function callback(echo: (challenge: string) => string = (x) => x) {
    const seen: string[] = [];
    const app = new Hono().get('/webhooks/whatsapp', (c) => {
      seen.push(new URL(c.req.url).search);
      const ok = c.req.query('hub.mode') === 'subscribe' && c.req.query('hub.verify_token') === 'right-token';
      return ok ? c.text(echo(c.req.query('hub.challenge')!)) : c.text('no', 403);
    });
    const server = await listen(app.fetch);
    closers.push(server.close);
    const sim = createSimulator({ ...HARNESS, webhookUrl: `${server.url}/webhooks/whatsapp`, publicBaseUrl: 'http://unused' });
    closers.push(async () => sim.stop());
    return { sim, seen };
  }

  it('sends hub.mode, hub.challenge and hub.verify_token, and is verified only by the echoed challenge', async () => {
    const ok = await callback();
    expect(await ok.sim.verifyWebhook('right-token')).toEqual({ verified: true, status: 200 });
    expect(ok.seen[0]).toMatch(/^\?hub\.mode=subscribe&hub\.challenge=\d{10}&hub\.verify_token=right-token$/);
    expect(await ok.sim.verifyWebhook('wrong-token')).toEqual({ verified: false, status: 403 });
    const wrongEcho = await callback(() => 'EVENT_RECEIVED');
    expect(await wrongEcho.sim.verifyWebhook('right-token')).toEqual({ verified: false, status: 200 });
  });
});
