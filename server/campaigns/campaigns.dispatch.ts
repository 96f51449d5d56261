import { eq } from 'drizzle-orm';
import { inTransaction, prepared, type Db } from '../../db/client.js';
import { conversations } from '../../db/schema/inbox.js';
import type { AppDeps } from '../deps.js';
import { getContact } from '../contacts/contacts.repository.js';
import { getOrCreateConversation } from '../inbox/conversations.repository.js';
import { getMessageByIdempotencyKey, insertMessage, outboundMessageRow } from '../inbox/messages.repository.js';
import { RetryLaterError, type JobContext } from '../jobs/jobs.worker.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { requestSearchIndex, SEARCH_INDEX_QUEUE } from '../search/search.repository.js';
import { findTemplate, toTemplateShape } from '../templates/templates.repository.js';
import { parseMapping, templateSendFor } from '../templates/templates.mapping.js';
import { assertTemplateSendable, pickTemplateLanguage, type TemplateShape } from '../templates/templates.params.js';
import { SEND_MESSAGE_QUEUE } from '../whatsapp/outbound/outbound.usecases.js';
import { campaignLanguages, getCampaign, updateCampaign, type CampaignRow } from './campaigns.repository.js';
import { createDailyAllowance } from './campaigns.limits.js';
import { materializeAudience } from './campaigns.audience.js';
import { campaignAudience } from './campaigns.repository.js';

export const CAMPAIGN_DISPATCH_QUEUE = 'campaigns.dispatch';

/** How often a sending campaign releases its next slice of recipients. */
const TICK_MS = 250;
/** After a stall (pause, restart, busy loop) at most this much sending is caught up at once. */
const MAX_CATCHUP_MS = 500;
const MAX_LIMIT_WAIT_MS = 60_000;

export interface DispatchPayload {
  campaignId: string;
  run: string;
}

/** Starts a dispatch run (start, schedule, resume): the job and the campaign's run id, in the caller's transaction. */
export function enqueueDispatch(deps: Pick<AppDeps, 'jobs'>, db: Db, campaignId: string, runAt: number): void {
  const run = newId('run');
  db.$client.prepare('UPDATE campaigns SET dispatch_run = ? WHERE id = ?').run(run, campaignId);
  deps.jobs.enqueue(CAMPAIGN_DISPATCH_QUEUE, { campaignId, run } satisfies DispatchPayload, { idempotencyKey: run, runAt, maxAttempts: 20 });
}

export type DispatchDeps = Pick<AppDeps, 'db' | 'clock' | 'channels' | 'jobs' | 'notify' | 'bus' | 'logger' | 'outbox'>;

/** A template row in the shape the template functions take, or null when it is not synced. */
export function templateShape(db: Db, wabaId: string | null, name: string, language: string): TemplateShape | null {
  const row = wabaId ? findTemplate(db, wabaId, name, language) : undefined;
  return row ? toTemplateShape(row) : null;
}

/**
 * `campaigns.dispatch`: one long-lived job per campaign. Each run releases the recipients whose send slot
 * has come (pacing at the campaign's rate, never bursting to catch up), within the daily messaging limit,
 * then gives itself back for the next tick. A recipient is released in one transaction with its message
 * and send job, so a crash never sends anyone twice and never loses anyone.
 */
export function createCampaignDispatcher(deps: DispatchDeps) {
  const allowance = createDailyAllowance(deps.db);

  return function dispatch(payload: DispatchPayload, _ctx?: JobContext<unknown>): void {
    const { db, clock } = deps;
    const campaign = getCampaign(db, payload.campaignId);
    // A pause, cancel or new start ends this run; a resume starts another.
    if (!campaign || campaign.dispatchRun !== payload.run || (campaign.status !== 'sending' && campaign.status !== 'scheduled')) return;
    const now = clock.now();
    if (campaign.status === 'scheduled') {
      if ((campaign.scheduledAt ?? 0) > now) throw new RetryLaterError(Math.min(campaign.scheduledAt! - now, 60_000));
      beginSending(deps, campaign, now);
      throw new RetryLaterError(0);
    }

    const interval = 1000 / campaign.ratePerSecond;
    const paceAt = Math.max(campaign.paceAt ?? now, now - MAX_CATCHUP_MS);
    if (paceAt > now) throw new RetryLaterError(Math.ceil(paceAt - now));
    let slots = Math.floor((now - paceAt) / interval) + 1;
    const daily = allowance.remaining(now);
    if (daily.remaining <= 0) {
      const until = Math.max(daily.retryAt ?? now, now + 1_000);
      if (campaign.waitingReason !== 'daily_limit' || campaign.waitingUntil !== until) updateCampaign(db, campaign.id, { waitingReason: 'daily_limit', waitingUntil: until, updatedAt: now });
      throw new RetryLaterError(Math.min(until - now, MAX_LIMIT_WAIT_MS));
    }
    slots = Math.min(slots, daily.remaining);
    // Backpressure: when sends are not keeping up (Meta slowing us down, 130429), release no more than
    // about two seconds of them, so a backlog cannot later drain faster than the campaign's rate.
    const unsent = pendingSends(db);
    if (unsent >= campaign.ratePerSecond * 2) throw new RetryLaterError(TICK_MS);
    slots = Math.min(slots, campaign.ratePerSecond * 2 - unsent);

    const outcome = releaseSlice(deps, campaign, slots, now);
    if (outcome.released > 0) {
      allowance.consumed(outcome.released);
      deps.notify(SEND_MESSAGE_QUEUE);
      deps.notify(SEARCH_INDEX_QUEUE);
    }
    if (outcome.done) {
      deps.bus.publish({ type: 'campaign.updated', data: { id: campaign.id, status: 'finished' } });
      return;
    }
    if (outcome.stopped) return;
    throw new RetryLaterError(TICK_MS);
  };
}

/** A scheduled campaign's time has come: its audience is taken now. */
function beginSending(deps: DispatchDeps, campaign: CampaignRow, now: number) {
  inTransaction(deps.db, () => {
    const current = getCampaign(deps.db, campaign.id);
    if (current?.status !== 'scheduled') return;
    const pending = materializeAudience(deps.db, campaign.id, campaignAudience(campaign), now);
    updateCampaign(deps.db, campaign.id, pending > 0 ? { status: 'sending', startedAt: now, paceAt: now, updatedAt: now } : { status: 'finished', startedAt: now, finishedAt: now, updatedAt: now });
    deps.outbox.emit({ type: pending > 0 ? 'campaign.started' : 'campaign.finished', data: { id: campaign.id, name: campaign.name, recipients: pending } }, now);
  });
  deps.bus.publish({ type: 'campaign.updated', data: { id: campaign.id } });
}

interface Slice {
  released: number;
  done: boolean;
  stopped: boolean;
}

function releaseSlice(deps: DispatchDeps, campaign: CampaignRow, slots: number, now: number): Slice {
  const { db } = deps;
  const channel = deps.channels.byId(campaign.channelId);
  const pause = (reason: string): Slice => {
    updateCampaign(db, campaign.id, { status: 'paused', pausedAt: now, waitingReason: reason, waitingUntil: null, updatedAt: now });
    deps.bus.publish({ type: 'campaign.updated', data: { id: campaign.id, status: 'paused' } });
    return { released: 0, done: false, stopped: true };
  };
  if (!channel || channel.status !== 'active') return pause(channel ? `channel_${channel.status}` : 'channel_deleted');

  // Templates per language, checked once per slice; the default language must be sendable.
  const shapes = new Map<string, TemplateShape>();
  for (const lang of campaignLanguages(campaign)) {
    const t = templateShape(db, channel.wabaId, campaign.templateName, lang);
    if (!t) continue;
    try {
      assertTemplateSendable(t);
      shapes.set(lang, t);
    } catch {
      /* a variant that cannot be sent falls back to the default language */
    }
  }
  if (!shapes.has(campaign.language)) {
    const t = templateShape(db, channel.wabaId, campaign.templateName, campaign.language);
    return pause(`template_${(t?.status ?? 'missing').toLowerCase()}`);
  }
  const mapping = parseMapping(campaign.mapping);
  try {
    return releaseInTransaction(deps, campaign, shapes, mapping, slots, now);
  } catch (err) {
    if (err instanceof CampaignHalt) return pause(err.message);
    throw err;
  }
}

function releaseInTransaction(deps: DispatchDeps, campaign: CampaignRow, shapes: Map<string, TemplateShape>, mapping: ReturnType<typeof parseMapping>, slots: number, now: number): Slice {
  const { db } = deps;
  const interval = 1000 / campaign.ratePerSecond;
  return inTransaction(db, () => {
    const current = getCampaign(db, campaign.id);
    if (current?.status !== 'sending') return { released: 0, done: false, stopped: true };
    const pending = prepared(db, 'campaigns.pending', () =>
      db.$client.prepare(`SELECT contact_id AS contactId FROM campaign_recipients WHERE campaign_id = ? AND state = 'pending' ORDER BY position LIMIT ?`),
    ).all(campaign.id, slots) as { contactId: string }[];
    let released = 0;
    for (const r of pending) if (releaseRecipient(deps, campaign, shapes, mapping, r.contactId, now)) released++;
    const paceAt = Math.max(current.paceAt ?? now, now - MAX_CATCHUP_MS) + pending.length * interval;
    const done = pending.length < slots;
    updateCampaign(db, campaign.id, {
      paceAt,
      waitingReason: null,
      waitingUntil: null,
      updatedAt: now,
      ...(done && { status: 'finished', finishedAt: now }),
    });
    if (done) deps.outbox.emit({ type: 'campaign.finished', data: { id: campaign.id, name: campaign.name } }, now);
    if (released > 0) requestSearchIndex(deps.jobs, now);
    return { released, done, stopped: false };
  });
}

/** Send jobs not yet done (all conversations): a cheap read of the job table's due index. */
function pendingSends(db: Db): number {
  const stmt = prepared(db, 'campaigns.pendingSends', () => db.$client.prepare(`SELECT count(*) AS n FROM jobs WHERE queue = ? AND state IN ('queued', 'running')`));
  return (stmt.get(SEND_MESSAGE_QUEUE) as { n: number }).n;
}

/** Template problems that are the contact's own (a missing or unusable value); any other stops the campaign. */
const RECIPIENT_ERRORS = new Set(['templates.missing_value', 'templates.invalid_parameters']);

class CampaignHalt extends Error {}

const setRecipient = (db: Db, campaignId: string, contactId: string, patch: { state: string; reason?: string | null; messageId?: string | null; language?: string | null; releasedAt: number }) =>
  prepared(db, 'campaigns.setRecipient', () =>
    db.$client.prepare(
      `UPDATE campaign_recipients SET state = @state, reason = @reason, message_id = @messageId, language = @language, released_at = @releasedAt
       WHERE campaign_id = @campaignId AND contact_id = @contactId`,
    ),
  ).run({ reason: null, messageId: null, language: null, ...patch, campaignId, contactId });

/**
 * One recipient: consent checked again (a STOP since the start wins), the language picked, parameters
 * filled; then the message row and its send job. Returns whether a message was queued.
 */
function releaseRecipient(deps: DispatchDeps, campaign: CampaignRow, shapes: Map<string, TemplateShape>, mapping: ReturnType<typeof parseMapping>, contactId: string, now: number): boolean {
  const { db } = deps;
  const contact = getContact(db, contactId);
  if (!contact) return void setRecipient(db, campaign.id, contactId, { state: 'skipped', reason: 'contact_deleted', releasedAt: now }), false;
  if (contact.marketingOptOut) return void setRecipient(db, campaign.id, contactId, { state: 'skipped', reason: 'opted_out', releasedAt: now }), false;
  const language = pickTemplateLanguage([...shapes.keys()], contact.language, campaign.language);
  const template = shapes.get(language) ?? shapes.get(campaign.language)!;
  let send: ReturnType<typeof templateSendFor>;
  try {
    send = templateSendFor(db, template, mapping, { contactId, channelId: campaign.channelId });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // E.g. the header image was deleted: every recipient would fail the same way. Stop and say why.
    if (!RECIPIENT_ERRORS.has(err.code)) throw new CampaignHalt(`${err.code}: ${err.message}`);
    setRecipient(db, campaign.id, contactId, { state: 'failed', reason: err.message, language: template.language, releasedAt: now });
    return false;
  }
  const conv = getOrCreateConversation(db, contactId, campaign.channelId, now);
  const fresh = conv.createdAt === now && conv.lastInboundAt === null && conv.lastOutboundAt === null;
  const message = outboundMessageRow({
    conversationId: conv.id,
    contactId,
    channelId: campaign.channelId,
    type: 'template',
    text: send.preview.body,
    content: JSON.stringify({ template: { name: template.name, language: template.language, components: send.components }, campaignId: campaign.id }),
    authorId: campaign.createdBy,
    idempotencyKey: `campaign:${campaign.id}:${contactId}`,
    at: now,
  });
  if (!insertMessage(db, message)) {
    // Released before under another state (should not happen): link what exists, never send twice.
    const existing = getMessageByIdempotencyKey(db, message.idempotencyKey!);
    setRecipient(db, campaign.id, contactId, { state: 'queued', messageId: existing?.id ?? null, language: template.language, releasedAt: now });
    return false;
  }
  // A campaign message is not an answer: it moves the thread, never the reply clocks. A thread it starts
  // stays out of the open inbox until the customer writes back.
  db.update(conversations)
    .set({ lastOutboundAt: now, lastMessageAt: now, updatedAt: now, ...(fresh && { status: 'resolved', resolvedAt: now }) })
    .where(eq(conversations.id, conv.id))
    .run();
  deps.jobs.enqueue(SEND_MESSAGE_QUEUE, { messageId: message.id }, { idempotencyKey: message.id, maxAttempts: 8 });
  setRecipient(db, campaign.id, contactId, { state: 'queued', messageId: message.id, language: template.language, releasedAt: now });
  return true;
}
