import { inTransaction, prepared, type Db } from '../../../db/client.js';
import type { Channel, ChannelRepository } from '../../channels/channels.repository.js';
import { getContact } from '../../contacts/contacts.repository.js';
import { applyLoggedStatuses, getMessage, updateMessage, type MessageRow } from '../../inbox/messages.repository.js';
import { nextStatus } from '../../inbox/message-status.models.js';
import { RetryAfterError, RetryLaterError, type JobContext } from '../../jobs/jobs.worker.js';
import type { Clock } from '../../lib/clock.js';
import type { EventBus } from '../../lib/event-bus.js';
import type { Logger } from '../../lib/logger.js';
import { media } from '../../../db/schema/whatsapp.js';
import { eq } from 'drizzle-orm';
import type { GraphClient } from '../graph/graph.client.js';
import { classifyGraphError, explainGraphError, GraphError, GraphNetworkError } from '../graph/graph.errors.js';
import { CAMPAIGN_HALT_CODES, campaignOfMessage, campaignSendBlocker, haltCampaign } from '../../campaigns/campaigns.sends.js';
import { buildGraphMessage, sendTag } from './outbound.build.js';
import { PAIR_BURST, PAIR_RATE_PER_SECOND, type createTokenBuckets } from './rate-limit.js';
import type { MessageBody } from './outbound.schemas.js';
import type { AppMetrics } from '../../metrics/metrics.catalog.js';

export const MARK_READ_QUEUE = 'whatsapp.mark-read';

export interface SendJobDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  channels: ChannelRepository;
  bus: EventBus;
  graphFor: (channel: Channel) => GraphClient;
  buckets: ReturnType<typeof createTokenBuckets>;
  metrics?: Pick<AppMetrics, 'messagesOut' | 'sendReached' | 'sendRetries'>;
}

/**
 * `whatsapp.send-message`: one Graph call per message. Waits (without spending attempts) for the
 * channel's throughput and the recipient's pair limit; retries only transient errors; a permanent error
 * or the last attempt marks the message failed with Meta's reason; 190/0 flag the channel for a new token.
 */
export async function sendMessageJob(deps: SendJobDeps, payload: { messageId: string }, ctx: JobContext<unknown>): Promise<void> {
  const { db, clock } = deps;
  const msg = getMessage(db, payload.messageId);
  if (!msg || (msg.status !== 'queued' && msg.status !== 'sending')) return; // done already: idempotent
  if (msg.waMessageId) return; // Meta took it: a tagged status webhook brought its wamid (see adoptSend)
  // `sending` here means an earlier run died during its Graph call (a failed call puts the message back
  // to `queued`): Meta may have accepted it. A campaign message is then not sent again — a customer must
  // never get a marketing message twice; a conversation message is (the agent sees it either way).
  const campaignId = campaignOfMessage(msg);
  if (campaignId && msg.status === 'sending') {
    return fail(deps, msg, null, 'Parley stopped while this message was being handed to WhatsApp; it is not sent again so nobody gets it twice.', null);
  }
  if (campaignId) {
    const blocked = campaignSendBlocker(db, campaignId, msg.contactId);
    if (blocked) return fail(deps, msg, null, blocked, null);
  }
  const channel = deps.channels.byId(msg.channelId);
  const contact = getContact(db, msg.contactId);
  if (!channel || !contact) return fail(deps, msg, null, 'The channel or contact no longer exists.', null);
  if (channel.status !== 'active') return fail(deps, msg, 190, explainGraphError(190), channel.statusReason);

  const recipient = contact.waId ? { to: contact.waId } : contact.phone ? { to: contact.phone.replace(/^\+/, '') } : contact.userId ? { recipient: contact.userId } : null;
  if (!recipient) return fail(deps, msg, null, 'The contact has no WhatsApp number or user id.', null);

  // Keep a conversation's order: an earlier message still on its way goes first.
  if (hasEarlierPending(db, msg)) throw new RetryLaterError(250);
  // Sends wait, they do not fail: a token from the recipient's pair bucket, then from the number's bucket
  // (given back if the number is saturated, so a backlog to one person never burns everyone's capacity).
  const pairKey = `pair:${channel.id}:${JSON.stringify(recipient)}`;
  const waitPair = deps.buckets.take(pairKey, PAIR_RATE_PER_SECOND, PAIR_BURST);
  if (waitPair > 0) throw new RetryLaterError(waitPair);
  const waitChannel = deps.buckets.take(`ch:${channel.id}`, channel.throughputPerSecond, channel.throughputPerSecond);
  if (waitChannel > 0) {
    deps.buckets.refund(pairKey, PAIR_BURST);
    throw new RetryLaterError(waitChannel);
  }

  const content = msg.content ? (JSON.parse(msg.content) as Record<string, unknown>) : {};
  const waMediaId = msg.mediaId ? (db.select({ wa: media.waMediaId }).from(media).where(eq(media.id, msg.mediaId)).get()?.wa ?? null) : null;
  const body = buildGraphMessage({ type: msg.type, ...content } as MessageBody, {
    recipient,
    replyToWaId: msg.replyToWaId,
    waMediaId,
    reactionTargetWaId: (content.reactionTargetWaId as string | undefined) ?? null,
    tag: sendTag(msg.id),
  });
  if (msg.status === 'queued') updateMessage(db, msg.id, { status: 'sending', updatedAt: clock.now() });

  let waMessageId: string;
  try {
    ({ waMessageId } = await deps.graphFor(channel).sendMessage(channel.phoneNumberId, body, { signal: ctx.signal }));
  } catch (err) {
    // While the call hung, its tagged status webhook may have shown Meta took it: nothing to retry or fail.
    if (getMessage(db, msg.id)?.waMessageId) return;
    const { retry, delayMs } = classifyGraphError(err, ctx.job.attempts);
    const code = err instanceof GraphError ? err.code : null;
    const title = err instanceof GraphError ? err.title : err instanceof Error ? err.message : String(err);
    const details = err instanceof GraphError ? err.details : null;
    if (retry === 'reauth') {
      deps.channels.setStatus(channel.id, 'needs_token', explainGraphError(code));
      return fail(deps, msg, code, title, details);
    }
    if (campaignId && outcomeUnknown(err)) {
      return fail(deps, msg, null, 'WhatsApp did not answer this send; it may have arrived, so it is not sent again (nobody gets a campaign twice).', err instanceof Error ? err.message : null);
    }
    if (campaignId && code !== null && CAMPAIGN_HALT_CODES.has(code)) {
      haltCampaign(db, campaignId, `meta_${code}: ${explainGraphError(code, title)}`, clock.now());
    }
    if (retry === 'permanent' || ctx.job.attempts >= ctx.job.maxAttempts) return fail(deps, msg, code, title, details);
    ctx.logger.warn('send failed, will retry', { messageId: msg.id, code, retry });
    deps.metrics?.sendRetries.inc();
    updateMessage(db, msg.id, { status: 'queued', updatedAt: clock.now() });
    // No answer: Meta may have accepted it. Its status webhook names the message (`sendTag`) and marks it
    // sent, which ends this job at its next run; the retry waits long enough for that webhook to come.
    const wait = outcomeUnknown(err) ? Math.max(delayMs ?? 0, UNCERTAIN_RETRY_MS) : delayMs;
    throw wait ? new RetryAfterError(wait, `${code ?? ''} ${title}`.trim()) : err;
  }

  // Recorded with the job's completion: one commit for all the sends finishing together.
  let sent: MessageRow | undefined;
  ctx.commitWith(
    () => {
      const now = clock.now();
      const current = getMessage(db, msg.id)!;
      const status = nextStatus(current.status, 'sent') ?? current.status;
      updateMessage(db, msg.id, { waMessageId, status, errorCode: null, errorTitle: null, errorDetails: null, updatedAt: now });
      sent = applyLoggedStatuses(db, { ...current, waMessageId, status }, now);
    },
    () => {
      deps.metrics?.messagesOut.inc();
      deps.metrics?.sendReached('sent');
      deps.bus.publish({ type: 'message.status', conversationId: sent!.conversationId, data: { id: sent!.id, status: sent!.status } });
    },
  );
}

/** How long a send whose outcome is unknown waits before it is made again (Meta's `sent` webhook comes in seconds). */
export const UNCERTAIN_RETRY_MS = 30_000;

/**
 * Whether Meta may have accepted a send that threw: the request went out and no answer came back (a
 * timeout, a dropped connection, an abort). Meta answering with an error, or no connection at all, is sure.
 */
function outcomeUnknown(err: unknown): boolean {
  if (err instanceof GraphError) return false;
  if (err instanceof GraphNetworkError) return err.timedOut || !NOT_CONNECTED.has(errorCode(err.cause) ?? '');
  return true;
}
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
function errorCode(e: unknown): string | null {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

// Ten minutes: an older message stuck longer than that (its job died) must not hold the conversation.
const ORDER_WINDOW_MS = 10 * 60_000;

function hasEarlierPending(db: Db, msg: MessageRow): boolean {
  const stmt = prepared(db, 'messages.earlierPending', () =>
    db.$client.prepare(
      `SELECT 1 FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND status IN ('queued', 'sending')
       AND (created_at < ? OR (created_at = ? AND id < ?)) AND created_at > ? LIMIT 1`,
    ),
  );
  return stmt.get(msg.conversationId, msg.createdAt, msg.createdAt, msg.id, msg.createdAt - ORDER_WINDOW_MS) !== undefined;
}

/** A send job gave up for good (worker crash loop, unexpected error on the last try): show the message failed. */
export function failUndeliveredMessage(deps: Pick<SendJobDeps, 'db' | 'clock' | 'bus' | 'metrics'>, messageId: string, error: string): void {
  const msg = getMessage(deps.db, messageId);
  if (msg && (msg.status === 'queued' || msg.status === 'sending')) fail(deps, msg, null, `Parley could not send this message: ${error}`, null);
}

function fail(deps: Pick<SendJobDeps, 'db' | 'clock' | 'bus' | 'metrics'>, msg: MessageRow, code: number | null, title: string | null, details: string | null) {
  updateMessage(deps.db, msg.id, { status: 'failed', errorCode: code, errorTitle: title, errorDetails: details, updatedAt: deps.clock.now() });
  deps.metrics?.sendReached('failed');
  deps.bus.publish({ type: 'message.status', conversationId: msg.conversationId, data: { id: msg.id, status: 'failed' } });
}

/** `whatsapp.mark-read`: tells WhatsApp the customer's message (and all before it) was read. */
export async function markReadJob(deps: Pick<SendJobDeps, 'channels' | 'graphFor'>, payload: { channelId: string; waMessageId: string }, ctx: JobContext<unknown>) {
  const channel = deps.channels.byId(payload.channelId);
  if (!channel || channel.status !== 'active') return;
  try {
    await deps.graphFor(channel).markRead(channel.phoneNumberId, payload.waMessageId, { signal: ctx.signal });
  } catch (err) {
    // A read receipt is a courtesy: retry transient errors, drop permanent ones (e.g. message too old).
    const { retry } = classifyGraphError(err);
    if (retry === 'permanent') return;
    // A dead token: retrying cannot help, and the channel must show it (the agent opening a chat may be
    // the first to hit it).
    if (retry === 'reauth' && err instanceof GraphError) {
      deps.channels.setStatus(channel.id, 'needs_token', explainGraphError(err.code ?? 190));
      return;
    }
    throw err;
  }
}
