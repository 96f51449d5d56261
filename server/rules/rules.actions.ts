import { and, eq, isNull } from 'drizzle-orm';
import { users } from '../../db/schema/auth.js';
import { contactTags } from '../../db/schema/contacts.js';
import { conversationNotes, conversations } from '../../db/schema/inbox.js';
import { tasks } from '../../db/schema/tasks.js';
import { teams } from '../../db/schema/teams.js';
import { prepared } from '../../db/client.js';
import { recordAudit } from '../audit/audit.js';
import type { AppDeps } from '../deps.js';
import { closeConversationCycle, getConversation } from '../inbox/conversations.repository.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { getDeal } from '../pipelines/deals.repository.js';
import { createDeal, updateDeal } from '../pipelines/deals.usecases.js';
import { createNotification, isActiveUser } from '../notifications/notifications.usecases.js';
import { PUSH_USER_QUEUE, type PushToUser } from '../push/push.usecases.js';
import { scheduleReminder } from '../tasks/tasks.usecases.js';
import { roundRobinMember } from '../teams/teams.repository.js';
import { parseMapping, templateSendFor } from '../templates/templates.mapping.js';
import { getTemplate, toTemplateShape } from '../templates/templates.repository.js';
import { queueOutboundMessage } from '../whatsapp/outbound/outbound.usecases.js';
import type { Action } from './rules.schemas.js';

export type ActionDeps = Pick<AppDeps, 'db' | 'clock' | 'channels' | 'jobs' | 'bus' | 'notify' | 'outbox' | 'users'>;

export interface ActionContext {
  runId: string;
  ruleId: string;
  step: number;
  conversationId: string | null;
  contactId: string | null;
  dealId: string | null;
  event: Record<string, unknown>;
  now: number;
}

export interface StepResult {
  status: 'done' | 'skipped' | 'failed';
  detail: string | null;
}

/** A rule that points at something gone (a deleted team, template, stage): the rule is flagged. */
export class RuleConfigError extends Error {
  override name = 'RuleConfigError';
}

export const CALL_WEBHOOK_QUEUE = 'rules.call-webhook';

/** Automation acts as a system actor named after its rule, so the audit log and events say which rule did it. */
const actorFor = (ctx: ActionContext) => ({ kind: 'automation', id: ctx.ruleId });
// Deal usecases take a signed-in principal; automation passes one with the rule as the actor id.
const automationAuth = (ctx: ActionContext) => ({ user: { id: `rule:${ctx.ruleId}`, email: 'automation@parley.local', name: 'Automation', role: 'owner' as const }, via: 'token' as const, sessionId: null, tokenId: null });

const done = (detail: string | null = null): StepResult => ({ status: 'done', detail });
const skipped = (detail: string): StepResult => ({ status: 'skipped', detail });

/**
 * One action, synchronously, inside the step's transaction (its writes commit with the run's progress, so
 * a retry never repeats a step). Outgoing effects are jobs enqueued here (sends, webhooks, pushes).
 */
export function executeAction(deps: ActionDeps, ctx: ActionContext, a: Action): StepResult {
  const { db } = deps;
  const conv = () => {
    const c = ctx.conversationId ? getConversation(db, ctx.conversationId) : undefined;
    if (!c) throw new SkipStep('no conversation for this event');
    return c;
  };
  const contactId = () => {
    const id = ctx.contactId ?? (ctx.conversationId ? getConversation(db, ctx.conversationId)?.contactId : null);
    if (!id) throw new SkipStep('no contact for this event');
    return id;
  };
  try {
    switch (a.type) {
      case 'add_tag':
      case 'remove_tag': {
        const id = contactId();
        const changes =
          a.type === 'add_tag'
            ? prepared(db, 'rules.addTag', () => db.$client.prepare('INSERT INTO contact_tags (contact_id, tag, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')).run(id, a.tag, ctx.now).changes
            : db.delete(contactTags).where(and(eq(contactTags.contactId, id), eq(contactTags.tag, a.tag))).run().changes;
        if (!changes) return skipped(a.type === 'add_tag' ? `already tagged ${a.tag}` : `not tagged ${a.tag}`);
        recordAudit(db, actorFor(ctx), { action: a.type === 'add_tag' ? 'contact.tag_added' : 'contact.tag_removed', entityType: 'contact', entityId: id, [a.type === 'add_tag' ? 'after' : 'before']: { tag: a.tag } }, ctx.now);
        return done(a.tag);
      }
      case 'assign': {
        const c = conv();
        let assigneeId: string | null = c.assigneeId;
        let teamId: string | null = c.teamId;
        if (a.mode === 'user') {
          if (!db.select({ id: users.id }).from(users).where(and(eq(users.id, a.userId!), isNull(users.disabledAt))).get()) throw new RuleConfigError(`assign: teammate ${a.userId} no longer exists or is disabled`);
          assigneeId = a.userId!;
        } else {
          const team = db.select().from(teams).where(eq(teams.id, a.teamId!)).get();
          if (!team) throw new RuleConfigError(`assign: team ${a.teamId} no longer exists`);
          teamId = team.id;
          assigneeId = a.mode === 'round_robin' ? roundRobinMember(db, team) : null;
        }
        db.update(conversations).set({ assigneeId, teamId, updatedAt: ctx.now }).where(eq(conversations.id, c.id)).run();
        recordAudit(db, actorFor(ctx), { action: 'conversation.updated', entityType: 'conversation', entityId: c.id, before: { assigneeId: c.assigneeId, teamId: c.teamId }, after: { assigneeId, teamId } }, ctx.now);
        if (assigneeId !== c.assigneeId) deps.outbox.emit({ type: 'conversation.assigned', conversationId: c.id, contactId: c.contactId, data: { id: c.id, assigneeId, teamId, ruleId: ctx.ruleId } }, ctx.now);
        return done(assigneeId ? `assigned to ${assigneeId}` : `team ${teamId}, nobody available`);
      }
      case 'set_status':
      case 'set_priority': {
        const c = conv();
        const patch = a.type === 'set_status' ? { status: a.status, resolvedAt: a.status === 'resolved' ? ctx.now : null, snoozedUntil: null } : { priority: a.priority };
        if (a.type === 'set_status' && a.status === 'resolved') closeConversationCycle(db, c.id, ctx.now);
        db.update(conversations).set({ ...patch, updatedAt: ctx.now }).where(eq(conversations.id, c.id)).run();
        recordAudit(db, actorFor(ctx), { action: 'conversation.updated', entityType: 'conversation', entityId: c.id, before: { status: c.status, priority: c.priority }, after: patch }, ctx.now);
        return done(a.type === 'set_status' ? a.status : a.priority);
      }
      case 'create_task': {
        const assigneeId = a.assignee === 'user' ? (a.userId ?? null) : ctx.conversationId ? (getConversation(db, ctx.conversationId)?.assigneeId ?? null) : null;
        if (a.assignee === 'user' && !db.select({ id: users.id }).from(users).where(eq(users.id, a.userId ?? '')).get()) throw new RuleConfigError(`create_task: teammate ${a.userId} no longer exists`);
        const row = { id: newId('task'), title: a.title, notes: null, dueAt: a.dueInMinutes !== undefined ? ctx.now + a.dueInMinutes * 60_000 : null, assigneeId, contactId: ctx.contactId, conversationId: ctx.conversationId, dealId: ctx.dealId, doneAt: null, remindedAt: null, createdBy: null, createdAt: ctx.now, updatedAt: ctx.now };
        db.insert(tasks).values(row).run();
        scheduleReminder(deps, row);
        recordAudit(db, actorFor(ctx), { action: 'task.created', entityType: 'task', entityId: row.id, after: { title: row.title, dueAt: row.dueAt, assigneeId } }, ctx.now);
        return done(row.id);
      }
      case 'add_note': {
        const c = conv();
        db.insert(conversationNotes).values({ id: newId('note'), conversationId: c.id, authorId: null, body: a.text, createdAt: ctx.now }).run();
        return done(null);
      }
      case 'send_reply':
      case 'send_template': {
        const c = conv();
        let body: Parameters<typeof queueOutboundMessage>[1]['body'];
        if (a.type === 'send_reply') body = { type: 'text', text: a.text };
        else {
          const row = getTemplate(db, a.templateId);
          if (!row) throw new RuleConfigError(`send_template: template ${a.templateId} no longer exists`);
          const send = templateSendFor(db, toTemplateShape(row), parseMapping(row.mapping), { contactId: c.contactId, channelId: c.channelId });
          body = { type: 'template', template: { name: row.name, language: row.language, components: send.components } };
        }
        const { message } = queueOutboundMessage(deps, { conversation: c, body, authorId: null, idempotencyKey: `rule:${ctx.runId}:${ctx.step}` });
        return done(message.id);
      }
      case 'notify': {
        const userId = a.userId ?? (ctx.conversationId ? getConversation(db, ctx.conversationId)?.assigneeId : null);
        if (!userId) return skipped('nobody to notify (the conversation has no assignee)');
        if (!isActiveUser(db, userId)) return skipped(`teammate ${userId} no longer exists or is disabled`);
        // In-app (the bell, committed with the run) and on their phones (a push job, also committed with it).
        const title = ruleName(db, ctx.ruleId) ?? 'Automation';
        createNotification(deps, { userId, kind: 'rule', title, body: a.text, conversationId: ctx.conversationId, link: ctx.conversationId ? null : '/' }, ctx.now);
        const push: PushToUser = { userId, title, body: a.text, conversationId: ctx.conversationId, url: ctx.conversationId ? null : '/' };
        deps.jobs.enqueue(PUSH_USER_QUEUE, push, { idempotencyKey: `rule:${ctx.runId}:${ctx.step}`, maxAttempts: 3 });
        return done(userId);
      }
      case 'call_webhook': {
        deps.jobs.enqueue(CALL_WEBHOOK_QUEUE, { url: a.url, body: { ruleId: ctx.ruleId, runId: ctx.runId, conversationId: ctx.conversationId, contactId: ctx.contactId, dealId: ctx.dealId, event: ctx.event } }, { idempotencyKey: `rule:${ctx.runId}:${ctx.step}`, maxAttempts: 8 });
        return done(a.url);
      }
      case 'set_deal_stage': {
        const deal = ctx.dealId ? getDeal(db, ctx.dealId) : undefined;
        if (!deal) return skipped('no deal for this event');
        const r = updateDeal(deps, automationAuth(ctx), deal, { stageId: a.stageId });
        return r.changed ? done(a.stageId) : skipped('already in that stage');
      }
      case 'create_deal': {
        const deal = createDeal(deps, automationAuth(ctx), { title: a.title, pipelineId: a.pipelineId, stageId: a.stageId, contactId: contactId(), conversationId: ctx.conversationId ?? undefined } as Parameters<typeof createDeal>[2]);
        return done(deal.id);
      }
      case 'wait':
        return done(`${a.minutes} min`);
    }
  } catch (err) {
    if (err instanceof SkipStep) return skipped(err.message);
    // Business rules refusing the step (window closed, opted out, template paused): skipped with the reason.
    if (err instanceof AppError && (err.status === 422 || err.status === 409)) return skipped(`${err.code}: ${err.message}`);
    if (err instanceof AppError && err.status === 400) throw new RuleConfigError(`${a.type}: ${err.message}`);
    throw err;
  }
}

class SkipStep extends Error {}

const ruleName = (db: ActionDeps['db'], id: string) =>
  (prepared(db, 'rules.nameById', () => db.$client.prepare('SELECT name FROM rules WHERE id = ?')).get(id) as { name: string } | undefined)?.name;
