import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOGIN } from '../server/system/bootstrap.js';
import { startLiveParley, type LiveParley } from './live-parley.js';
import { bodyOf, startServer, waitForOk, type ServerProcess } from './server-process.js';
import { eventually } from './live-checks.js';

// The setup check on real processes: live mode against the simulator over real HTTP, and sandbox mode.
const WA = { phoneNumberId: '106540352247001', wabaId: '102290129347002', displayPhoneNumber: '15550787001' };
const SECRET = { accessToken: 'EAAG-doctor-e2e-token', appSecret: 'doctor-e2e-app-secret', verifyToken: 'doctor-e2e-verify' };
const ADMIN = { email: 'owner@doctor.example', password: 'doctor-owner-password' };

type Line = { id: string; status: string; summary: string; fix: string | null; action: string | null };
const statusesOf = (lines: Line[]) => Object.fromEntries(lines.map((l) => [l.id, l.status]));


describe('the setup check on a live-mode process (simulator as Meta)', () => {
  let live: LiveParley;
  let channelId: string;
  const check = async () => bodyOf(await live.api(`/channels/${channelId}/check`)).then((b) => b.data as { status: string; lines: Line[] });

  beforeAll(async () => {
    live = await startLiveParley({ wa: WA, secrets: SECRET, admin: ADMIN, simulator: { statusDelaysMs: { sent: 20, delivered: 60, read: 120 } } });
    channelId = (await bodyOf(live.api('/channels'))).data[0].id;
  }, 60_000);
  afterAll(() => live?.close());

  it('goes from "webhook never verified" to all green as Meta verifies, a customer writes and templates sync', async () => {
    const first = await check();
    expect(first.lines.find((l) => l.id === 'webhook_verified')).toMatchObject({ status: 'fail', fix: expect.stringContaining(`/webhooks/whatsapp`) });

    expect((await live.sim.verifyWebhook(SECRET.verifyToken)).verified).toBe(true);
    await live.sim.customer.sendText({ from: '14155550142', name: 'Eli', text: 'Is the shop open?' });
    const green = await eventually(check, (c) => c.status === 'ok');
    expect(statusesOf(green.lines)).toEqual({
      token: 'ok',
      phone_number: 'ok',
      quality: 'ok',
      subscription: 'ok',
      webhook_verified: 'ok',
      webhook_received: 'ok',
      templates: 'ok',
    });
  });

  it('shows an expired token as a red line with the fix (200, not 500), and recovers when Meta accepts it again', async () => {
    live.sim.faults.tokenExpired = true;
    try {
      const res = await live.api(`/channels/${channelId}/check`);
      expect(res.status).toBe(200);
      const token = (await bodyOf(res)).data.lines.find((l: Line) => l.id === 'token');
      expect(token).toMatchObject({ status: 'fail', fix: expect.stringMatching(/WA_ACCESS_TOKEN/) });
    } finally {
      live.sim.faults.tokenExpired = false;
    }
    expect((await check()).lines[0]!.status).toBe('ok');
  });

  it('subscribes the app when the line offers it', async () => {
    live.sim.account.subscribed = false;
    const line = (await check()).lines.find((l) => l.id === 'subscription')!;
    expect(line).toMatchObject({ status: 'fail', action: 'subscribe' });
    const res = await live.api(`/channels/${channelId}/subscribe`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).data).toMatchObject({ id: 'subscription', status: 'ok' });
    expect(live.sim.account.subscribed).toBe(true);
  });
});

describe('the setup check in sandbox mode', () => {
  let server: ServerProcess;
  let cookie = '';
  beforeAll(async () => {
    server = await startServer();
    await waitForOk(`${server.url}/readyz`, 20_000);
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify(DEMO_LOGIN) });
    cookie = /parley_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  }, 60_000);
  afterAll(() => server?.stop());

  it('is all green: the sandbox verifies its webhook at start-up, seeds conversations and syncs templates', async () => {
    const get = (path: string) => bodyOf(fetch(`${server.url}/api/v1${path}`, { headers: { cookie, origin: server.url } }));
    const channel = (await get('/channels')).data[0];
    expect(channel.sandbox).toBe(true);
    const result = await eventually(() => get(`/channels/${channel.id}/check`).then((b) => b.data as { status: string; lines: Line[] }), (c) => c.status === 'ok');
    expect(result.lines).toHaveLength(7);
    expect(result.lines.every((l) => l.status === 'ok')).toBe(true);
  });
});
