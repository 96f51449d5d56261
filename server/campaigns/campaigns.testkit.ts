import { createTestContext } from '../testing.js';
import { RetryLaterError } from '../jobs/jobs.worker.js';
import { SEND_MESSAGE_QUEUE } from '../whatsapp/outbound/outbound.usecases.js';
import { CAMPAIGN_DISPATCH_QUEUE, createCampaignDispatcher, type DispatchPayload } from './campaigns.dispatch.js';

export const PNID = '220011223344555';
export const WABA = '310998877665511';

/**
 * A test workspace for campaigns: one channel, approved templates (a marketing one with a body variable,
 * in English and Portuguese), contacts made in bulk, and a hand-cranked dispatcher on the manual clock.
 */
export async function campaignSetup(opts: { drainSends?: boolean } = {}) {
  const t = createTestContext();
  const channel = t.deps.channels.create({ phoneNumberId: PNID, wabaId: WABA, accessToken: 'EAAG-test-token', appSecret: 'campaign-secret', verifyToken: 'verify-campaign' });
  const admin = await t.signIn('admin');
  const now = t.clock.now();
  const template = t.db.$client.prepare(
    `INSERT INTO templates (id, waba_id, name, language, category, status, components, parameter_format, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'POSITIONAL', ?)`,
  );
  const body = (text: string) => JSON.stringify([{ type: 'BODY', text, example: { body_text: [['Ana']] } }]);
  template.run('tpl_promo_en', WABA, 'summer_sale', 'en', 'MARKETING', 'APPROVED', body('Hi {{1}}, summer sale: 20% off this week.'), now);
  template.run('tpl_promo_pt', WABA, 'summer_sale', 'pt_BR', 'MARKETING', 'APPROVED', body('Olá {{1}}, liquidação de verão: 20% de desconto.'), now);
  template.run('tpl_paused', WABA, 'old_offer', 'en', 'MARKETING', 'PAUSED', body('Old offer {{1}}'), now);

  let seq = 0;
  const insertContact = t.db.$client.prepare(
    `INSERT INTO contacts (id, name, phone, wa_id, language, marketing_opt_out, consent_source, custom_fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTag = t.db.$client.prepare(`INSERT INTO contact_tags (contact_id, tag, created_at) VALUES (?, ?, ?)`);
  /** Adds contacts; returns their ids. */
  const contacts = (n: number, o: { tags?: string[]; optedOut?: boolean; optedIn?: boolean; noNumber?: boolean; language?: string; custom?: Record<string, unknown>; name?: string } = {}) =>
    t.db.$client.transaction(() => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const k = ++seq;
        const id = `ct_${String(k).padStart(6, '0')}`;
        const waId = `4477009${String(k).padStart(5, '0')}`;
        insertContact.run(id, o.name ?? `Customer ${k}`, o.noNumber ? null : `+${waId}`, o.noNumber ? null : waId, o.language ?? null, o.optedOut ? 1 : 0, o.optedOut || o.optedIn ? 'form' : null, JSON.stringify(o.custom ?? {}), now + k, now + k);
        for (const tag of o.tags ?? []) insertTag.run(id, tag, now);
        ids.push(id);
      }
      return ids;
    })();

  const mapping = { params: { 'body.1': { source: 'contact', field: 'first_name', fallback: 'there' } } };
  const createCampaign = async (body: Record<string, unknown> = {}) => {
    const res = await t.request('/api/v1/campaigns', { cookie: admin.cookie, body: { name: 'Summer sale', templateId: 'tpl_promo_en', mapping, audience: { tags: ['vip'] }, ratePerSecond: 10, ...body } });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
    return (await res.json()).data as { id: string };
  };
  const post = async (path: string, body: unknown = {}) => t.request(`/api/v1${path}`, { cookie: admin.cookie, body });
  const get = async (path: string) => (await t.request(`/api/v1${path}`, { cookie: admin.cookie })).json();

  const dispatch = createCampaignDispatcher(t.deps);
  /** Runs every due dispatch job once, as the worker would (a RetryLaterError gives the job back). */
  const tick = () => {
    // The send queue keeping up (its jobs done at once), unless a test holds the sends back.
    if (opts.drainSends !== false) for (const job of t.deps.jobs.claim(SEND_MESSAGE_QUEUE, 10_000, 60_000)) t.deps.jobs.complete(job);
    for (const job of t.deps.jobs.claim<DispatchPayload>(CAMPAIGN_DISPATCH_QUEUE, 10, 10_000)) {
      try {
        dispatch(job.payload);
        t.deps.jobs.complete(job);
      } catch (err) {
        if (!(err instanceof RetryLaterError)) throw err;
        t.deps.jobs.giveBack(job, t.clock.now() + err.delayMs);
      }
    }
  };
  /** Advances the clock in steps, ticking the dispatcher at each. */
  const run = (ms: number, step = 250) => {
    for (let at = 0; at < ms; at += step) {
      t.clock.advance(step);
      tick();
    }
  };
  const queuedSends = () => (t.db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE idempotency_key LIKE 'campaign:%'`).get() as { n: number }).n;
  return { t, admin, channel, contacts, createCampaign, post, get, tick, run, queuedSends, mapping };
}
