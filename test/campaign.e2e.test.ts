import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveParley, type LiveParley } from './live-parley.js';
import { bodyOf } from './server-process.js';
import { eventually } from './live-checks.js';

// A 1 000-recipient campaign through the real server process, with the simulator as Meta over real HTTP,
// and a kill -9 in the middle of sending.
const WA = { phoneNumberId: '106540352242933', wabaId: '102290129340411', displayPhoneNumber: '15550783882' };
const SECRET = { accessToken: 'EAAG-campaign-token', appSecret: 'campaign-app-secret', verifyToken: 'campaign-verify' };
const ADMIN = { email: 'owner@campaign.example', password: 'campaign-owner-password' };
const RECIPIENTS = 1000;
const RATE = 80;
const TEST_NUMBER = '14155550999';
const number = (i: number) => `1202555${String(10_000 + i).slice(1)}`;
const FAIL_ASYNC = [3, 150, 700, 777, 998].map(number);
const FAIL_SYNC = [10, 900].map(number);

let live: LiveParley;
const api = (path: string, init: { method?: string; body?: unknown } = {}) => live.api(path, init);


/** Campaign sends Meta accepted (the test send and rejected sends left out). */
const campaignSends = () => live.sim.sent.filter((s) => s.type === 'template' && s.to !== TEST_NUMBER && s.error === null);

beforeAll(async () => {
  live = await startLiveParley({
    wa: WA,
    secrets: SECRET,
    admin: ADMIN,
    simulator: { statusDelaysMs: { sent: 10, delivered: 30, read: 60 } },
    prepare: (sim) => {
      sim.templates.push({
        name: 'weekend_offer',
        parameter_format: 'POSITIONAL',
        components: [{ type: 'BODY', text: 'Hi {{1}}, 10% off everything this weekend.', example: { body_text: [['Ana']] } }, { type: 'FOOTER', text: 'Reply STOP to opt out' }],
        language: 'en',
        status: 'APPROVED',
        category: 'MARKETING',
        id: '990011223344',
      });
      for (const n of FAIL_ASYNC) sim.faults.errorsByRecipient.set(n, { code: 131026, mode: 'async' });
      for (const n of FAIL_SYNC) sim.faults.errorsByRecipient.set(n, { code: 131049, mode: 'sync' });
    },
  });
}, 60_000);

afterAll(() => live?.close());

describe('a campaign end to end (real process + simulator)', () => {
  it('sends 1 000 recipients at the set rate, survives kill -9 without sending anyone twice, and reports what the log says', async () => {
    expect((await api('/settings', { method: 'PATCH', body: { messagingLimit: null } })).status).toBe(200);
    const csv = ['name,phone,tags', ...Array.from({ length: RECIPIENTS }, (_, i) => `Customer ${i},+${number(i)},vip`)].join('\n');
    const imported = await bodyOf(api('/contacts/import', { body: { csv, mapping: { name: 'name', phone: 'phone', tags: 'tags' }, dryRun: false } }));
    expect(imported.data.created).toBe(RECIPIENTS);
    const template = (await eventually(async () => (await bodyOf(api('/templates'))).data.find((t: { name: string }) => t.name === 'weekend_offer'), Boolean)) as { id: string };

    const created = await bodyOf(
      api('/campaigns', { body: { name: 'Weekend offer', templateId: template.id, audience: { tags: ['vip'] }, ratePerSecond: RATE, mapping: { params: { 'body.1': { source: 'contact', field: 'first_name', fallback: 'there' } } } } }),
    );
    const id = created.data.id;
    expect((await api(`/campaigns/${id}/start`, { body: {} })).status).toBe(422); // no test yet
    expect((await api(`/campaigns/${id}/test-send`, { body: { to: [`+${TEST_NUMBER}`] } })).status).toBe(202);
    const started = await bodyOf(api(`/campaigns/${id}/start`, { body: {} }));
    expect(started.data).toMatchObject({ status: 'sending', counts: { recipients: RECIPIENTS } });

    // Mid-send: the process dies without warning, and comes back on the same data directory.
    await eventually(() => campaignSends().length, (n) => n >= 400);
    live.parley.proc.kill('SIGKILL');
    await live.parley.exited;
    const sentBeforeKill = campaignSends();
    await live.restart();

    const finished = await eventually(
      async () => (await bodyOf(api(`/campaigns/${id}`))).data,
      (c) => c.status === 'finished' && c.counts.pending === 0 && c.counts.sent + c.counts.failed === RECIPIENTS,
      60_000,
    );
    expect(finished.counts.recipients).toBe(RECIPIENTS);

    // Nobody twice.
    const sends = campaignSends();
    const recipients = sends.map((s) => s.to);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients.length).toBeLessThanOrEqual(RECIPIENTS);

    // Rate: never above the configured 80/s (measured over the uninterrupted stretch before the kill).
    const times = sentBeforeKill.map((s) => s.receivedAt).sort((a, b) => a - b);
    const rate = ((times.length - 1) / (times.at(-1)! - times[0]!)) * 1000;
    expect(rate).toBeLessThanOrEqual(RATE * 1.03);
    expect(rate).toBeGreaterThan(RATE * 0.7);

    // A few customers answer, one says STOP; let the status webhooks settle.
    await live.sim.customer.sendText({ from: number(1), name: 'Customer 1', text: 'Is it for shoes too?' });
    await live.sim.customer.sendText({ from: number(2), name: 'Customer 2', text: 'STOP' });
    await eventually(async () => (await bodyOf(api(`/campaigns/${id}/report`))).data.counts, (c) => c.replied >= 2 && c.optedOut >= 1);

    // Failures are recorded with Meta's reason.
    const log: Record<string, any>[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page = await bodyOf(api(`/campaigns/${id}/recipients?limit=200${cursor ? `&cursor=${cursor}` : ''}`));
      log.push(...page.data);
      cursor = page.nextCursor;
    }
    expect(log).toHaveLength(RECIPIENTS);
    for (const n of [...FAIL_ASYNC, ...FAIL_SYNC]) {
      const row = log.find((r) => r.phone === `+${n}`)!;
      expect(row.status).toBe('failed');
      expect(row.errorCode).toBe(FAIL_SYNC.includes(n) ? 131049 : 131026);
    }

    // Sends cut by the kill mid-call are failed, not repeated (at most the send queue's concurrency).
    const interrupted = log.filter((r) => r.status === 'failed' && r.errorCode === null);
    expect(interrupted.length).toBeLessThanOrEqual(16);
    for (const r of interrupted) expect(r.errorTitle).toMatch(/not sent again/);

    // The report is the sum of the per-recipient log.
    const report = (await bodyOf(api(`/campaigns/${id}/report`))).data;
    const count = (pred: (r: Record<string, any>) => boolean) => log.filter(pred).length;
    expect(report.counts).toMatchObject({
      recipients: log.length,
      sent: count((r) => r.sentAt !== null),
      delivered: count((r) => r.deliveredAt !== null),
      read: count((r) => r.readAt !== null),
      failed: count((r) => r.status === 'failed'),
      replied: count((r) => r.repliedAt !== null),
      optedOut: count((r) => r.optedOutAt !== null),
    });
    expect(report.counts.failed).toBeGreaterThanOrEqual(FAIL_ASYNC.length + FAIL_SYNC.length);
    expect(report.failures.reduce((s: number, f: { count: number }) => s + f.count, 0)).toBe(report.counts.failed);
    expect(report.counts.sent + report.counts.failed).toBe(RECIPIENTS);

    const csvOut = await api(`/campaigns/${id}/recipients.csv`);
    expect(csvOut.headers.get('content-type')).toContain('text/csv');
    expect((await csvOut.text()).trim().split('\n')).toHaveLength(RECIPIENTS + 1);
  }, 150_000);
});
