import { eq, sql } from 'drizzle-orm';
import { ruleRuns, rules } from '../../db/schema/rules.js';
import { inTransaction, prepared, type Db } from '../../db/client.js';
import { getConversation } from '../inbox/conversations.repository.js';
import { withMessageText } from '../inbox/messages.repository.js';
import { executeAction, RuleConfigError, type ActionDeps, type StepResult } from './rules.actions.js';
import { loadFacts } from './rules.facts.js';
import { evaluateConditions, type Facts } from './rules.models.js';
import { RULE_RUN_QUEUE } from './rules.consumer.js';
import type { RuleCache } from './rules.repository.js';

export type RunRow = typeof ruleRuns.$inferSelect;

/** Actions that reach the customer or another system, whose answer may come back as a new message. */
const REACHES_OUT: ReadonlySet<string> = new Set(['send_reply', 'send_template', 'call_webhook']);

/** At most this many runs of one rule per conversation per hour: a rule that re-triggers itself stops. */
export const LOOP_LIMIT = 10;
const HOUR = 3_600_000;

interface Step {
  action: string;
  status: StepResult['status'];
  detail: string | null;
  at: string;
}

// Inside a transaction already (a run executed by the outbox fan-out, in its own savepoint): no further
// savepoint per step — each level makes SQLite journal every page it touches once more.
const step = <T>(db: Db, fn: () => T): T => (db.$client.inTransaction ? fn() : inTransaction(db, fn));

const getRun = (db: Db, id: string) => prepared(db, 'rules.runById', () => db.select().from(ruleRuns).where(eq(ruleRuns.id, sql.placeholder('id'))).prepare()).get({ id });

type Outcome = Partial<Pick<RunRow, 'state' | 'nextStep' | 'conditionsMatched' | 'log' | 'error' | 'loopKey'>>;

/**
 * Records a run's outcome: an UPDATE of its row, or — for a run started in memory by the fan-out — the
 * INSERT of the whole row at once (a run that acts in the event's own transaction is written once).
 */
function finish(db: Db, run: RunRow & { fresh?: boolean }, patch: Outcome, now: number) {
  const matched = patch.conditionsMatched === undefined || patch.conditionsMatched === null ? null : patch.conditionsMatched ? 1 : 0;
  if (run.fresh) {
    prepared(db, 'rules.insertFinishedRun', () =>
      db.$client.prepare(
        `INSERT INTO rule_runs (id, rule_id, event_key, event_type, conversation_id, contact_id, deal_id, event, state, next_step, conditions_matched, log, error, loop_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    ).run(
      run.id, run.ruleId, run.eventKey, run.eventType, run.conversationId, run.contactId, run.dealId, run.event,
      patch.state ?? run.state, patch.nextStep ?? run.nextStep, matched, patch.log ?? run.log, patch.error ?? null, patch.loopKey ?? null, run.createdAt, now,
    );
    return;
  }
  prepared(db, 'rules.runProgress', () =>
    db.$client.prepare(
      `UPDATE rule_runs SET state = coalesce(@state, state), next_step = coalesce(@nextStep, next_step), conditions_matched = coalesce(@matched, conditions_matched),
         log = coalesce(@log, log), error = coalesce(@error, error), loop_key = coalesce(@loopKey, loop_key), updated_at = @now WHERE id = @id`,
    ),
  ).run({ id: run.id, now, state: patch.state ?? null, nextStep: patch.nextStep ?? null, matched, log: patch.log ?? null, error: patch.error ?? null, loopKey: patch.loopKey ?? null });
}

/**
 * Why a wait that stops when answered ends the run: the business replied (any outbound message, automatic
 * ones too, as for the "no answer" trigger) or resolved the chat since `since`.
 */
function answeredSince(db: Db, conversationId: string | null, since: number): string | null {
  const conversation = conversationId ? getConversation(db, conversationId) : undefined;
  if (!conversation) return null;
  if ((conversation.lastOutboundAt ?? 0) > since) return 'answered during the wait';
  if (conversation.status === 'resolved' && (conversation.resolvedAt ?? 0) > since) return 'resolved during the wait';
  return null;
}

/** A run the fan-out starts in memory: its row is written once, when it ends (see `finish`). */
export interface FreshRun {
  run: RunRow;
  event: Record<string, unknown>;
  /** Facts the fan-out already read for this event (conditions are not read twice). */
  facts?: Facts;
}

/**
 * `rules.run`: executes one run. The first time it reads the latest state — a "no reply" run is cancelled
 * when someone has replied since — checks scope, loop protection and conditions; then the actions, each
 * logged with the run's progress. Callers run it in one transaction (the fan-out's savepoint or the job's
 * own), so a failure leaves nothing half done and a retry never repeats a committed step. `wait` parks
 * the run (committed) and re-enqueues it for later.
 */
export function runRule(deps: ActionDeps & { rules: RuleCache }, payload: { runId: string } | FreshRun): void {
  const { db, clock } = deps;
  // A fresh run's row object is the fan-out's own, made for this call: marked, not copied.
  const run: (RunRow & { fresh?: boolean }) | undefined = 'run' in payload ? Object.assign(payload.run, { fresh: true }) : getRun(db, payload.runId);
  if (!run || (run.state !== 'pending' && run.state !== 'waiting')) return;
  const now = clock.now();
  const rule = deps.rules.byId(run.ruleId) ?? null;
  if (!rule) return finish(db, run, { state: 'skipped', error: 'the rule was disabled or deleted before it ran' }, now);
  const event = 'event' in payload ? payload.event : withMessageText(db, run.eventType, JSON.parse(run.event) as Record<string, unknown>);

  // The run's outcome is written once at the end: callers hold one transaction (or savepoint) around the
  // whole run, so progress written between steps would never be seen by anyone — only cost a write each.
  let matched: boolean | undefined;
  // Set when loop protection applies to this run: written on the row if it acts, for the next runs' count.
  let loopKey: string | null = null;
  if (run.conditionsMatched === null) {
    // Read only when a check below needs it ("no reply" triggers, a scope).
    const needsConversation = rule.trigger.type === 'no_business_reply' || rule.trigger.type === 'no_customer_reply' || rule.scope.channelId || rule.scope.teamId;
    const conversation = run.conversationId && needsConversation ? getConversation(db, run.conversationId) : undefined;
    const at = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : run.createdAt;
    // "No reply" checks again now: an answer (or a resolve) since the message cancels the follow-up.
    if (rule.trigger.type === 'no_business_reply' && conversation && ((conversation.lastOutboundAt ?? 0) > at || conversation.status === 'resolved')) {
      return finish(db, run, { state: 'cancelled', error: conversation.status === 'resolved' ? 'resolved before the time was up' : 'answered before the time was up' }, now);
    }
    if (rule.trigger.type === 'no_customer_reply' && conversation && (conversation.lastInboundAt ?? 0) > run.createdAt) {
      return finish(db, run, { state: 'cancelled', error: 'the customer answered before the time was up' }, now);
    }
    if (rule.scope.channelId && conversation?.channelId !== rule.scope.channelId) return finish(db, run, { state: 'skipped', error: 'another WhatsApp number' }, now);
    if (rule.scope.teamId && conversation?.teamId !== rule.scope.teamId) return finish(db, run, { state: 'skipped', error: 'another team' }, now);
    // Per conversation, or per contact for contact events (tags, fields) that carry none.
    const subject = run.conversationId ? { id: run.conversationId, what: 'conversation' } : run.contactId ? { id: run.contactId, what: 'contact' } : null;
    // A customer's message is caused by a rule only through what reaches the customer (an auto-reply answered
    // by their own auto-responder, round and round): a rule on messages that only tags or assigns cannot loop.
    if (subject && (run.eventType !== 'message.received' || rule.actions.some((a) => REACHES_OUT.has(a.type)))) {
      const recent = prepared(db, 'rules.recentRuns', () =>
        db.$client.prepare(`SELECT count(*) AS n FROM rule_runs WHERE rule_id = ? AND loop_key = ? AND created_at > ? AND id != ?`),
      ).get(rule.row.id, subject.id, now - HOUR, run.id) as { n: number };
      if (recent.n >= LOOP_LIMIT) return finish(db, run, { state: 'skipped', error: `loop protection: ${recent.n} runs for this ${subject.what} in the last hour` }, now);
      loopKey = subject.id;
    }
    // Conditions that need nothing loaded (none) are not loaded for.
    matched = rule.conditions.items.length === 0 || evaluateConditions(rule.conditions, ('facts' in payload && payload.facts) || loadFacts(db, run, event, now));
    if (!matched) return finish(db, run, { conditionsMatched: false, state: 'skipped', error: 'conditions not met' }, now);
  }

  const log = run.log === '[]' ? [] : (JSON.parse(run.log) as Step[]);
  const entry = (action: string, result: StepResult, at: number) => log.push({ action, status: result.status, detail: result.detail, at: new Date(at).toISOString() });
  for (let i = run.nextStep; i < rule.actions.length; i++) {
    const action = rule.actions[i]!;
    const at = clock.now();
    if (action.type === 'wait') {
      if (run.state === 'waiting') {
        // This is the job that continues after the wait; the run parked at `updatedAt`.
        const stop = action.stopIfAnswered ? answeredSince(db, run.conversationId, run.updatedAt) : null;
        if (stop) {
          entry('wait', { status: 'done', detail: stop }, at);
          return finish(db, run, { state: 'cancelled', nextStep: i + 1, log: JSON.stringify(log), error: stop }, at);
        }
        run.state = 'pending';
        continue;
      }
      // Park: the next run of this job continues after the wait.
      step(db, () => {
        entry('wait', { status: 'done', detail: `${action.minutes} min` }, at);
        finish(db, run, { state: 'waiting', conditionsMatched: matched, nextStep: i, log: JSON.stringify(log), loopKey }, at);
        deps.jobs.enqueue(RULE_RUN_QUEUE, { runId: run.id }, { idempotencyKey: `${run.id}@${i}`, runAt: at + action.minutes * 60_000, maxAttempts: 5 });
      });
      return;
    }
    try {
      entry(action.type, executeAction(deps, { runId: run.id, ruleId: rule.row.id, step: i, conversationId: run.conversationId, contactId: run.contactId, dealId: run.dealId, event, now: at }, action), at);
    } catch (err) {
      if (!(err instanceof RuleConfigError)) throw err; // the run rolls back; the job retries it
      // A rule pointing at something deleted: this run fails with the reason, the rule is flagged, others go on.
      step(db, () => {
        entry(action.type, { status: 'failed', detail: err.message }, at);
        finish(db, run, { state: 'failed', conditionsMatched: matched, error: err.message, log: JSON.stringify(log), loopKey }, at);
        db.update(rules).set({ flaggedError: err.message }).where(eq(rules.id, rule.row.id)).run();
      });
      deps.rules.invalidate();
      return;
    }
  }
  finish(db, run, { state: 'done', conditionsMatched: matched, nextStep: rule.actions.length, log: JSON.stringify(log), loopKey }, clock.now());
}
