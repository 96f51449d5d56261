import { createTestContext } from '../testing.js';
import { serializeMetaStyle, signWebhookBody } from '../whatsapp/webhook/webhook.signature.js';
import { PROCESS_WEBHOOK_QUEUE, type ProcessWebhookPayload } from '../whatsapp/webhook/webhook.ingest.js';
import { processWebhookEvents } from '../whatsapp/webhook/webhook.process.js';
import { createRulesConsumer, RULE_RUN_QUEUE } from './rules.consumer.js';
import { runRule } from './rules.run.js';

const PNID = '220011223344888';
const WABA = '310998877665888';
const SECRET = 'rules-secret';

/** A workspace with one number, the rules consumer on the outbox, and hand-cranked processing and runs. */
export async function rulesSetup() {
  const t = createTestContext();
  t.deps.channels.create({ phoneNumberId: PNID, wabaId: WABA, accessToken: 'EAAG-rules', appSecret: SECRET, verifyToken: 'v-rules' });
  const owner = await t.signIn('owner');
  t.deps.outbox.register(createRulesConsumer(t.deps));
  let n = 0;
  /** A customer message through the real webhook path (signature, intake, processing). */
  const says = async (waId: string, text: string, opts: { id?: string } = {}) => {
    const id = opts.id ?? `wamid.RULES${++n}`;
    const body = serializeMetaStyle({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: PNID }, contacts: [{ profile: { name: `Lead ${waId.slice(-3)}` }, wa_id: waId }], messages: [{ from: waId, id, timestamp: String(Math.floor(t.clock.now() / 1000)), type: 'text', text: { body: text } }] } }] }] });
    await t.app.request('http://parley.test/webhooks/whatsapp', { method: 'POST', headers: { 'x-hub-signature-256': signWebhookBody(body, SECRET) }, body });
    const jobs = t.deps.jobs.claim<ProcessWebhookPayload>(PROCESS_WEBHOOK_QUEUE, 10, 60_000);
    processWebhookEvents(t.deps, jobs.flatMap((j) => j.payload.eventIds));
    // Completed as the worker would: a job left running is claimed again once its lease runs out.
    for (const j of jobs) t.deps.jobs.complete(j);
    return id;
  };
  /** Fans the outbox out and runs every due rule run, as the worker would. */
  const pump = () => {
    for (let round = 0; round < 20; round++) {
      t.deps.outbox.fanOut();
      const jobs = t.deps.jobs.claim<{ runId: string }>(RULE_RUN_QUEUE, 100, 60_000);
      if (jobs.length === 0) return;
      for (const j of jobs) {
        runRule(t.deps, j.payload);
        t.deps.jobs.complete(j);
      }
    }
  };
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => t.request(`/api/v1${path}`, { cookie: owner.cookie, ...init });
  const createRule = async (body: Record<string, unknown>) => {
    const res = await api('/rules', { body: { enabled: true, ...body } });
    if (res.status !== 201) throw new Error(`rule: ${res.status} ${await res.text()}`);
    return (await res.json()).data as { id: string };
  };
  const runs = async (ruleId: string) =>
    (await (await api(`/rules/${ruleId}/runs`)).json()).data as { state: string; error: string | null; steps: { action: string; status: string; detail: string | null }[]; conversationId: string | null; eventCount: number; createdAt: string; updatedAt: string }[];
  const conversationOf = (waId: string) => t.db.$client.prepare(`SELECT v.* FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE c.wa_id = ?`).get(waId) as { id: string; assignee_id: string | null; team_id: string | null; contact_id: string };
  const tagsOf = (contactId: string) => (t.db.$client.prepare('SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag').all(contactId) as { tag: string }[]).map((r) => r.tag);
  return { t, owner, says, pump, api, createRule, runs, conversationOf, tagsOf };
}
