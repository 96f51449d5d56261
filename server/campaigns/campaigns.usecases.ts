import { and, eq } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { campaignRecipients, campaigns, type CampaignStatus } from '../../db/schema/campaigns.js';
import { templates } from '../../db/schema/whatsapp.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import type { AppDeps } from '../deps.js';
import type { AuthInfo } from '../lib/http.js';
import { AppError, badRequest, conflict, unprocessable } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseMapping, templateSendFor } from '../templates/templates.mapping.js';
import { assertTemplateSendable, pickTemplateLanguage } from '../templates/templates.params.js';
import { queueOutboundMessage, resolveRecipient } from '../whatsapp/outbound/outbound.usecases.js';
import { materializeAudience, previewAudience } from './campaigns.audience.js';
import { CAMPAIGN_DISPATCH_QUEUE, enqueueDispatch, templateShape } from './campaigns.dispatch.js';
import { campaignAudience, campaignLanguages, getCampaign, transitionCampaign, updateCampaign, type CampaignRow } from './campaigns.repository.js';
import type { CampaignInput } from './campaigns.schemas.js';

export type CampaignDeps = Pick<AppDeps, 'db' | 'clock' | 'channels' | 'jobs' | 'notify' | 'bus'>;

/** The template row a campaign is built on, and the channel that sends it (same WhatsApp account). */
function templateAndChannel(deps: CampaignDeps, templateId: string, channelId?: string) {
  const t = deps.db.select().from(templates).where(eq(templates.id, templateId)).get();
  if (!t) throw badRequest('request.invalid', 'templateId: no such template');
  const channel = channelId ? deps.channels.byId(channelId) : (deps.channels.all().find((c) => c.wabaId === t.wabaId && c.status === 'active') ?? deps.channels.all().find((c) => c.wabaId === t.wabaId));
  if (!channel) throw channelId ? badRequest('request.invalid', 'channelId: no such channel') : unprocessable('channels.none', 'No WhatsApp number of this template’s account is configured.');
  if (channel.wabaId !== t.wabaId) throw unprocessable('campaigns.wrong_channel', `The template ${t.name} belongs to another WhatsApp account than ${channel.name}.`);
  return { template: t, channel };
}

/** The id of the campaign's default-language template row, for the API. */
export function campaignTemplateId(deps: Pick<AppDeps, 'db' | 'channels'>, c: CampaignRow): string | null {
  const wabaId = deps.channels.byId(c.channelId)?.wabaId;
  if (!wabaId) return null;
  return deps.db.select({ id: templates.id }).from(templates).where(and(eq(templates.wabaId, wabaId), eq(templates.name, c.templateName), eq(templates.language, c.language))).get()?.id ?? null;
}

export function createCampaign(deps: CampaignDeps, auth: AuthInfo, input: CampaignInput): CampaignRow {
  const { template, channel } = templateAndChannel(deps, input.templateId, input.channelId);
  const rate = input.ratePerSecond ?? channel.throughputPerSecond;
  if (rate > channel.throughputPerSecond) throw unprocessable('campaigns.rate_too_high', `ratePerSecond: ${channel.name} sends at most ${channel.throughputPerSecond} messages per second.`);
  const now = deps.clock.now();
  const row: CampaignRow = {
    id: newId('cmp'),
    name: input.name,
    status: 'draft',
    channelId: channel.id,
    templateName: template.name,
    language: template.language,
    variantLanguages: JSON.stringify(input.variantLanguages ?? []),
    mapping: JSON.stringify(input.mapping ?? parseMapping(template.mapping)),
    audience: JSON.stringify(input.audience),
    ratePerSecond: rate,
    attributionDays: input.attributionDays ?? 7,
    scheduledAt: null,
    startedAt: null,
    pausedAt: null,
    finishedAt: null,
    testSentAt: null,
    dispatchRun: null,
    paceAt: null,
    waitingUntil: null,
    waitingReason: null,
    createdBy: auth.user.id,
    createdAt: now,
    updatedAt: now,
  };
  inTransaction(deps.db, () => {
    deps.db.insert(campaigns).values(row).run();
    recordAudit(deps.db, actorOf(auth), { action: 'campaign.created', entityType: 'campaign', entityId: row.id, after: { name: row.name, template: `${row.templateName} (${row.language})` } }, now);
  });
  return row;
}

/** Edits a draft (or a scheduled campaign, which goes back to draft when its content changes: test again). */
export function editCampaign(deps: CampaignDeps, auth: AuthInfo, c: CampaignRow, input: Partial<CampaignInput>): CampaignRow {
  if (c.status !== 'draft' && c.status !== 'scheduled') throw notEditable(c.status);
  const patch: Partial<CampaignRow> = { updatedAt: deps.clock.now() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.templateId !== undefined || input.channelId !== undefined) {
    const { template, channel } = templateAndChannel(deps, input.templateId ?? campaignTemplateId(deps, c) ?? '-', input.channelId ?? c.channelId);
    Object.assign(patch, { templateName: template.name, language: template.language, channelId: channel.id });
  }
  if (input.variantLanguages !== undefined) patch.variantLanguages = JSON.stringify(input.variantLanguages);
  if (input.mapping !== undefined) patch.mapping = JSON.stringify(input.mapping);
  if (input.audience !== undefined) patch.audience = JSON.stringify(input.audience);
  if (input.attributionDays !== undefined) patch.attributionDays = input.attributionDays;
  if (input.ratePerSecond !== undefined) {
    const channel = deps.channels.byId(patch.channelId ?? c.channelId);
    if (channel && input.ratePerSecond > channel.throughputPerSecond) throw unprocessable('campaigns.rate_too_high', `ratePerSecond: ${channel.name} sends at most ${channel.throughputPerSecond} messages per second.`);
    patch.ratePerSecond = input.ratePerSecond;
  }
  const contentChanged = (['templateName', 'language', 'variantLanguages', 'mapping', 'channelId'] as const).some((k) => patch[k] !== undefined && patch[k] !== c[k]);
  if (contentChanged) Object.assign(patch, { testSentAt: null, ...(c.status === 'scheduled' && { status: 'draft' as const, scheduledAt: null, dispatchRun: null }) });
  inTransaction(deps.db, () => {
    // Checked again where it counts: a start or cancel may have landed since the request read the campaign.
    if (!transitionCampaign(deps.db, c.id, [c.status], { status: patch.status ?? c.status, ...patch })) throw notEditable(getCampaign(deps.db, c.id)?.status ?? 'deleted');
    recordAudit(deps.db, actorOf(auth), { action: 'campaign.updated', entityType: 'campaign', entityId: c.id, before: pick(c, patch), after: patch }, patch.updatedAt!);
  });
  return getCampaign(deps.db, c.id)!;
}

const notEditable = (status: string) => conflict('campaigns.not_editable', `A ${status} campaign can no longer be edited.`);

const pick = (c: CampaignRow, patch: Partial<CampaignRow>) => Object.fromEntries(Object.keys(patch).map((k) => [k, c[k as keyof CampaignRow]]));

/**
 * Sends the campaign's content to test numbers, each with the values of the contact behind the number
 * (found or created). A campaign starts only after a test of its current content.
 */
export function testSendCampaign(deps: CampaignDeps, auth: AuthInfo, c: CampaignRow, to: string[]) {
  const channel = deps.channels.byId(c.channelId);
  const base = templateShape(deps.db, channel?.wabaId ?? null, c.templateName, c.language);
  if (!channel || !base) throw unprocessable('templates.not_found', `The template ${c.templateName} (${c.language}) is not synced for this number. Sync templates and try again.`);
  assertTemplateSendable(base);
  const mapping = parseMapping(c.mapping);
  const messages: { to: string; messageId: string | null; status: string; error?: { code: string; message: string } }[] = [];
  for (const number of to) {
    try {
      const { conversation, contact } = resolveRecipient(deps, { to: number, channelId: channel.id });
      const languages = campaignLanguages(c).filter((l) => l === c.language || templateShape(deps.db, channel.wabaId, c.templateName, l)?.status === 'APPROVED');
      const language = pickTemplateLanguage(languages, contact.language, c.language);
      const shape = templateShape(deps.db, channel.wabaId, c.templateName, language) ?? base;
      const send = templateSendFor(deps.db, shape, mapping, { contactId: contact.id, channelId: channel.id });
      const { message } = queueOutboundMessage(deps, {
        conversation,
        body: { type: 'template', template: { name: shape.name, language: shape.language, components: send.components } },
        authorId: auth.user.id,
      });
      messages.push({ to: number, messageId: message.id, status: message.status });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      messages.push({ to: number, messageId: null, status: 'refused', error: { code: err.code, message: err.message } });
    }
  }
  if (messages.some((m) => m.messageId)) updateCampaign(deps.db, c.id, { testSentAt: deps.clock.now(), updatedAt: deps.clock.now() });
  return messages;
}

/** Start now (audience taken now) or schedule for `at`; refused without a test send or with nobody to send to. */
export function startCampaign(deps: CampaignDeps, auth: AuthInfo, c: CampaignRow, at?: number): CampaignRow {
  const now = deps.clock.now();
  if (c.status !== 'draft' && c.status !== 'scheduled') throw conflict('campaigns.not_startable', `A ${c.status} campaign cannot be started.`);
  if (!c.testSentAt) throw unprocessable('campaigns.not_tested', 'Send a test of this campaign to yourself first: it shows exactly what customers will get.');
  const channel = deps.channels.byId(c.channelId);
  if (!channel || channel.status !== 'active') throw unprocessable('channels.needs_token', 'The campaign’s WhatsApp number cannot send right now (see Settings → Channels).');
  const t = templateShape(deps.db, channel.wabaId, c.templateName, c.language);
  if (!t) throw unprocessable('templates.not_found', `The template ${c.templateName} (${c.language}) is not synced.`);
  assertTemplateSendable(t);
  const audience = campaignAudience(c);
  // The state is checked again inside each transaction: a cancel or an edit may have landed meanwhile.
  const stillStartable = () => {
    const current = getCampaign(deps.db, c.id);
    if (!current || (current.status !== 'draft' && current.status !== 'scheduled')) throw conflict('campaigns.not_startable', `A ${current?.status ?? 'deleted'} campaign cannot be started.`);
    if (!current.testSentAt) throw unprocessable('campaigns.not_tested', 'Send a test of this campaign to yourself first: it shows exactly what customers will get.');
  };
  if (at !== undefined && at > now) {
    if (previewAudience(deps.db, audience, now).total === 0) throw audienceEmpty();
    inTransaction(deps.db, () => {
      stillStartable();
      updateCampaign(deps.db, c.id, { status: 'scheduled', scheduledAt: at, updatedAt: now });
      enqueueDispatch(deps, deps.db, c.id, at);
      recordAudit(deps.db, actorOf(auth), { action: 'campaign.scheduled', entityType: 'campaign', entityId: c.id, after: { at: new Date(at).toISOString() } }, now);
    });
  } else {
    inTransaction(deps.db, () => {
      stillStartable();
      if (materializeAudience(deps.db, c.id, audience, now) === 0) throw audienceEmpty();
      updateCampaign(deps.db, c.id, { status: 'sending', startedAt: now, scheduledAt: null, paceAt: now, updatedAt: now });
      enqueueDispatch(deps, deps.db, c.id, now);
      recordAudit(deps.db, actorOf(auth), { action: 'campaign.started', entityType: 'campaign', entityId: c.id, after: { status: 'sending' } }, now);
    });
  }
  deps.notify(CAMPAIGN_DISPATCH_QUEUE);
  return getCampaign(deps.db, c.id)!;
}

const audienceEmpty = () => unprocessable('campaigns.audience_empty', 'Nobody in this audience can receive the campaign (check the filters, opt-outs and numbers).');

/** Pause, resume, cancel: checked transitions, each audited. */
export function changeCampaignState(deps: CampaignDeps, auth: AuthInfo, c: CampaignRow, action: 'pause' | 'resume' | 'cancel'): CampaignRow {
  const now = deps.clock.now();
  const rules: Record<typeof action, { from: CampaignStatus[]; to: CampaignStatus }> = {
    pause: { from: ['sending'], to: 'paused' },
    resume: { from: ['paused'], to: 'sending' },
    cancel: { from: ['draft', 'scheduled', 'sending', 'paused'], to: 'cancelled' },
  };
  const rule = rules[action];
  inTransaction(deps.db, () => {
    const patch: Partial<CampaignRow> & { status: CampaignStatus } = { status: rule.to, updatedAt: now, waitingReason: null, waitingUntil: null };
    if (action === 'pause') patch.pausedAt = now;
    if (action === 'resume') Object.assign(patch, { pausedAt: null, paceAt: now });
    if (action === 'cancel') Object.assign(patch, { finishedAt: now, dispatchRun: null });
    if (!transitionCampaign(deps.db, c.id, rule.from, patch)) throw conflict('campaigns.invalid_state', `A ${c.status} campaign cannot be ${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}.`);
    if (action === 'resume') enqueueDispatch(deps, deps.db, c.id, now);
    if (action === 'cancel') {
      deps.db.update(campaignRecipients).set({ state: 'skipped', reason: 'cancelled', releasedAt: now }).where(and(eq(campaignRecipients.campaignId, c.id), eq(campaignRecipients.state, 'pending'))).run();
    }
    recordAudit(deps.db, actorOf(auth), { action: `campaign.${action === 'cancel' ? 'cancelled' : action === 'pause' ? 'paused' : 'resumed'}`, entityType: 'campaign', entityId: c.id, before: { status: c.status }, after: { status: rule.to } }, now);
  });
  deps.notify(CAMPAIGN_DISPATCH_QUEUE);
  deps.bus.publish({ type: 'campaign.updated', data: { id: c.id, status: rule.to } });
  return getCampaign(deps.db, c.id)!;
}

export function deleteCampaign(deps: CampaignDeps, auth: AuthInfo, c: CampaignRow): void {
  if (c.status !== 'draft' && c.status !== 'cancelled') throw conflict('campaigns.not_deletable', 'Only drafts and cancelled campaigns can be deleted; a campaign that sent keeps its report.');
  const now = deps.clock.now();
  inTransaction(deps.db, () => {
    deps.db.delete(campaignRecipients).where(eq(campaignRecipients.campaignId, c.id)).run();
    deps.db.delete(campaigns).where(eq(campaigns.id, c.id)).run();
    recordAudit(deps.db, actorOf(auth), { action: 'campaign.deleted', entityType: 'campaign', entityId: c.id, before: { name: c.name } }, now);
  });
}

/** The dispatch job gave up (bug or database trouble): show the campaign paused with the reason. */
export function pauseAfterDispatchFailure(deps: Pick<AppDeps, 'db' | 'clock'>, campaignId: string, error: string): void {
  const now = deps.clock.now();
  const reason = `dispatch_failed: ${error.slice(0, 200)}`;
  // A scheduled campaign has no recipients yet: back to draft (start it again), not paused.
  if (transitionCampaign(deps.db, campaignId, ['scheduled'], { status: 'draft', scheduledAt: null, dispatchRun: null, waitingReason: reason, updatedAt: now })) return;
  transitionCampaign(deps.db, campaignId, ['sending'], { status: 'paused', pausedAt: now, waitingReason: reason, updatedAt: now });
}

