import { asc, eq } from 'drizzle-orm';
import { inTransaction } from '../../db/client.js';
import { outboxOf } from '../events/events.outbox.js';
import { deals, pipelineStages } from '../../db/schema/pipelines.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { getContact } from '../contacts/contacts.repository.js';
import { applyCustomValues } from '../custom-fields/custom-fields.js';
import type { AppDeps } from '../deps.js';
import { getConversation } from '../inbox/conversations.repository.js';
import { badRequest, unprocessable } from '../lib/errors.js';
import type { AuthInfo } from '../lib/http.js';
import { newId } from '../lib/ids.js';
import { canSee } from '../teams/teams.repository.js';
import { dealScope, dealToJson, getDeal, recordStageMove, type DealRow } from './deals.repository.js';
import type { CreateDealInput, PatchDealInput } from './deals.schemas.js';
import { formatMinor, parseAmount } from './pipelines.models.js';
import { ensureDefaultPipeline, getPipeline, getStage, listPipelines, type StageRow } from './pipelines.repository.js';

type Deps = Pick<AppDeps, 'db' | 'clock' | 'bus' | 'users'>;
type Money = { amountMinor: number | null; currency: string | null };

const invalid = (field: string, message: string) => badRequest('request.invalid', `${field}: ${message}`);

/**
 * The amount and currency after a change. An amount needs a currency (given or already on the deal);
 * changing only the currency re-reads the same major amount in the new one (100.50 EUR → 100.50 USD).
 */
function resolveMoney(current: Money, body: { amount?: string | number | null; currency?: string | null }): Money {
  if (body.amount === undefined && body.currency === undefined) return { amountMinor: current.amountMinor, currency: current.currency };
  const currency = body.currency !== undefined ? body.currency : current.currency;
  const parse = (raw: string | number, field: string): number => {
    if (!currency) throw invalid('currency', 'is required with an amount');
    const r = parseAmount(raw, currency);
    if ('error' in r) throw invalid(field, r.error);
    return r.minor;
  };
  if (body.amount !== undefined) return { amountMinor: body.amount === null ? null : parse(body.amount, 'amount'), currency };
  if (current.amountMinor === null || current.currency === null) return { amountMinor: null, currency };
  if (!currency) throw invalid('currency', 'cannot be cleared while the deal has an amount (clear amount too)');
  const r = parseAmount(formatMinor(current.amountMinor, current.currency), currency);
  if ('error' in r) throw invalid('amount', `give the amount again for ${currency} (${r.error})`);
  return { amountMinor: r.minor, currency };
}

/** Checks the owner is an active teammate. */
function checkOwner(deps: Deps, ownerId: string | null | undefined): void {
  if (!ownerId) return;
  const user = deps.users.findById(ownerId);
  if (!user || user.disabledAt !== null) throw invalid('ownerId', 'no such active teammate');
}

/**
 * Contact and conversation after a change: a conversation must be one the caller can see and implies
 * its contact; a contact that differs from the (kept) conversation's contact is refused.
 */
function resolveLinks(deps: Deps, auth: AuthInfo, current: { contactId: string | null; conversationId: string | null }, body: { contactId?: string | null; conversationId?: string | null }) {
  let contactId = body.contactId !== undefined ? body.contactId : current.contactId;
  const conversationId = body.conversationId !== undefined ? body.conversationId : current.conversationId;
  if (body.contactId && !getContact(deps.db, body.contactId)) throw invalid('contactId', 'no such contact');
  if (body.conversationId) {
    const conv = getConversation(deps.db, body.conversationId);
    if (!conv || !canSee(dealScope(deps.db, auth), conv)) throw invalid('conversationId', 'no such conversation');
    if (body.contactId === undefined) contactId = conv.contactId;
    else if (body.contactId !== conv.contactId) throw invalid('conversationId', 'belongs to another contact than contactId');
  } else if (body.contactId !== undefined && conversationId) {
    const conv = getConversation(deps.db, conversationId);
    if (conv && conv.contactId !== body.contactId) throw invalid('contactId', "differs from the contact of the deal's conversation; change or clear conversationId too");
  }
  return { contactId, conversationId };
}

function firstStageOf(deps: Deps, pipelineId: string): StageRow {
  const stages = deps.db.select().from(pipelineStages).where(eq(pipelineStages.pipelineId, pipelineId)).orderBy(asc(pipelineStages.position)).all();
  const stage = stages.find((s) => s.outcome === 'open') ?? stages[0];
  if (!stage) throw unprocessable('pipelines.no_stages', 'This pipeline has no stages.');
  return stage;
}

/**
 * The stage a deal goes to. A stage must belong to the pipeline given with it, or (without one) to the
 * deal's current pipeline: anything else is 422 `deals.stage_not_in_pipeline`.
 */
function resolveStage(deps: Deps, current: { pipelineId: string } | null, body: { pipelineId?: string; stageId?: string }): StageRow | null {
  const now = deps.clock.now();
  if (body.pipelineId && !getPipeline(deps.db, body.pipelineId)) throw invalid('pipelineId', 'no such pipeline');
  const stage = body.stageId ? getStage(deps.db, body.stageId) : undefined;
  if (body.stageId && !stage) throw invalid('stageId', 'no such stage');
  const pipelineId = body.pipelineId ?? current?.pipelineId ?? stage?.pipelineId;
  if (stage && pipelineId && stage.pipelineId !== pipelineId) {
    throw unprocessable('deals.stage_not_in_pipeline', 'That stage belongs to another pipeline; give its pipelineId with it to move the deal there.');
  }
  if (stage) return stage;
  if (!current) {
    if (pipelineId) return firstStageOf(deps, pipelineId);
    ensureDefaultPipeline(deps.db, now);
    return firstStageOf(deps, listPipelines(deps.db)[0]!.id);
  }
  if (body.pipelineId && body.pipelineId !== current.pipelineId) throw invalid('stageId', 'is required when pipelineId changes');
  return null;
}

/** Fields audited on change (the API names, amounts in major units). */
function auditView(d: DealRow) {
  const j = dealToJson(d, undefined);
  return { kind: j.kind, title: j.title, reference: j.reference, amount: j.amount, currency: j.currency, pipelineId: j.pipelineId, stageId: j.stageId, ownerId: j.ownerId, contactId: j.contactId, conversationId: j.conversationId, expectedCloseAt: j.expectedCloseAt, customFields: j.customFields };
}

function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    b[key] = before[key];
    a[key] = after[key];
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}

/** Publishes a deal change for live screens. */
export function publishDeal(deps: Pick<AppDeps, 'bus'>, type: 'deal.created' | 'deal.updated' | 'deal.deleted', deal: DealRow, data: unknown) {
  deps.bus.publish({ type, contactId: deal.contactId ?? undefined, conversationId: deal.conversationId ?? undefined, data });
}

/** Creates a deal in its first (or given) stage, with the first stage-history row, in one transaction. */
export function createDeal(deps: Deps, auth: AuthInfo, body: CreateDealInput): DealRow {
  const { db, clock } = deps;
  const now = clock.now();
  const ownerId = body.ownerId === undefined ? auth.user.id : body.ownerId;
  checkOwner(deps, ownerId);
  const money = resolveMoney({ amountMinor: null, currency: null }, body);
  const links = resolveLinks(deps, auth, { contactId: null, conversationId: null }, body);
  const customFields = applyCustomValues(db, 'deal', '{}', body.customFields ?? {});
  return inTransaction(db, () => {
    const stage = resolveStage(deps, null, body)!;
    const row: DealRow = {
      id: newId('deal'),
      kind: body.kind,
      title: body.title,
      reference: body.reference || null,
      ...money,
      pipelineId: stage.pipelineId,
      stageId: stage.id,
      ownerId,
      ...links,
      expectedCloseAt: body.expectedCloseAt ? Date.parse(body.expectedCloseAt) : null,
      customFields,
      stageEnteredAt: now,
      closedAt: stage.outcome === 'open' ? null : now,
      paymentStatus: 'none',
      paymentAmountMinor: null,
      paymentCurrency: null,
      paymentLink: null,
      paymentProviderRef: null,
      paymentUpdatedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    db.insert(deals).values(row).run();
    recordStageMove(db, { dealId: row.id, fromStageId: null, toStageId: stage.id, msInPrevious: null, actorId: auth.user.id, at: now });
    recordAudit(db, actorOf(auth), { action: 'deal.created', entityType: 'deal', entityId: row.id, after: auditView(row) }, now);
    return row;
  });
}

/**
 * Applies a change. A stage move writes the history row (time spent in the stage left), restarts the
 * stage clock, and sets closedAt on entering a won/lost stage (cleared on going back to an open one).
 * Returns the deal and whether anything changed (nothing changed: no audit entry, no event).
 */
export function updateDeal(deps: Deps, auth: AuthInfo, deal: DealRow, body: PatchDealInput): { deal: DealRow; changed: boolean } {
  const { db, clock } = deps;
  const now = clock.now();
  checkOwner(deps, body.ownerId);
  const money = resolveMoney(deal, body);
  const links = resolveLinks(deps, auth, deal, body);
  const customFields = body.customFields ? applyCustomValues(db, 'deal', deal.customFields, body.customFields) : deal.customFields;
  return inTransaction(db, () => {
    const stage = resolveStage(deps, deal, body);
    const next: DealRow = {
      ...deal,
      ...(body.kind !== undefined && { kind: body.kind }),
      ...(body.title !== undefined && { title: body.title }),
      ...(body.reference !== undefined && { reference: body.reference || null }),
      ...money,
      ...(body.ownerId !== undefined && { ownerId: body.ownerId }),
      ...links,
      ...(body.expectedCloseAt !== undefined && { expectedCloseAt: body.expectedCloseAt ? Date.parse(body.expectedCloseAt) : null }),
      customFields,
    };
    if (stage && stage.id !== deal.stageId) {
      Object.assign(next, { pipelineId: stage.pipelineId, stageId: stage.id, stageEnteredAt: now, closedAt: stage.outcome === 'open' ? null : now });
      recordStageMove(db, { dealId: deal.id, fromStageId: deal.stageId, toStageId: stage.id, msInPrevious: Math.max(0, now - deal.stageEnteredAt), actorId: auth.user.id, at: now });
      outboxOf(db)?.emit(
        { type: 'deal.stage_changed', dealId: deal.id, contactId: deal.contactId, conversationId: deal.conversationId, data: { id: deal.id, fromStageId: deal.stageId, toStageId: stage.id, outcome: stage.outcome, actorId: auth.user.id } },
        now,
      );
    }
    const changes = diff(auditView(deal), auditView(next));
    if (!changes) return { deal, changed: false };
    next.updatedAt = now;
    db.update(deals).set(next).where(eq(deals.id, deal.id)).run();
    recordAudit(db, actorOf(auth), { action: 'deal.updated', entityType: 'deal', entityId: deal.id, ...changes }, now);
    return { deal: getDeal(db, deal.id)!, changed: true };
  });
}

/** Deletes a deal; its stage history goes with it (foreign key), its tasks stay, unlinked. */
export function deleteDeal(deps: Deps, auth: AuthInfo, deal: DealRow): void {
  const now = deps.clock.now();
  inTransaction(deps.db, () => {
    deps.db.$client.prepare('UPDATE tasks SET deal_id = NULL WHERE deal_id = ?').run(deal.id);
    deps.db.delete(deals).where(eq(deals.id, deal.id)).run();
    recordAudit(deps.db, actorOf(auth), { action: 'deal.deleted', entityType: 'deal', entityId: deal.id, before: auditView(deal) }, now);
  });
}

