import { prepared } from '../../db/client.js';
import type { EventConsumer, EventType, StoredEvent } from '../events/events.outbox.js';
import { waitingSinceOf } from '../inbox/conversations.repository.js';
import { withMessageText } from '../inbox/messages.repository.js';
import { newId } from '../lib/ids.js';
import type { ActionDeps } from './rules.actions.js';
import { evaluateConditions, textView, triggerMatches, type Facts } from './rules.models.js';
import type { RuleCache } from './rules.repository.js';
import { loadFacts } from './rules.facts.js';
import { runRule, type FreshRun, type RunRow } from './rules.run.js';

export const RULE_RUN_QUEUE = 'rules.run';

export type ConsumerDeps = ActionDeps & { rules: RuleCache };

/**
 * The rules' outbox consumer. For each event, every enabled rule whose trigger it fires gets one run
 * (UNIQUE(rule, event key): a replay adds nothing). Immediate runs execute right here, in the fan-out's
 * transaction: handed out inline, under the fan-out's one savepoint (a run that throws undoes the whole
 * inline fan-out, and the fan-out job does it again); in the job, each inside its own savepoint (a run
 * that throws there is left to a rules.run job that retries it and records what went wrong). "No
 * reply" runs wait for their time as jobs, one per rule and waiting period of a conversation (five
 * unanswered messages make one follow-up, not five), and check again then whether someone answered.
 */
export function createRulesConsumer(deps: ConsumerDeps): EventConsumer {
  const { db } = deps;
  const insert = () =>
    prepared(db, 'rules.insertRun', () =>
      db.$client.prepare(
        `INSERT INTO rule_runs (id, rule_id, event_key, event_type, conversation_id, contact_id, deal_id, event, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (rule_id, event_key) DO NOTHING`,
      ),
    );
  // "Conditions not met" is counted, one row per rule, hour and subject (see skipKey): a rule on
  // every message that rarely applies logs a line per chat and hour instead of a row per message. Events come
  // in id order: one read again (a cursor set back) is not counted twice. Most events find their line there.
  const countSkip = () =>
    prepared(db, 'rules.countSkip', () =>
      db.$client.prepare(
        `UPDATE rule_runs SET event_count = event_count + 1, last_event_id = ?, updated_at = max(updated_at, ?)
         WHERE rule_id = ? AND event_key = ? AND last_event_id < ?`,
      ),
    );
  const firstSkip = () =>
    prepared(db, 'rules.firstSkip', () =>
      db.$client.prepare(
        `INSERT INTO rule_runs (id, rule_id, event_key, event_type, conversation_id, contact_id, deal_id, event, state, conditions_matched, error, last_event_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, '{}', 'skipped', 0, 'conditions not met', ?, ?, ?) ON CONFLICT (rule_id, event_key) DO NOTHING`,
      ),
    );
  const skipped = (ruleId: string, e: StoredEvent) => {
    const key = skipKey(e);
    if (countSkip().run(e.id, e.at, ruleId, key, e.id).changes === 0) firstSkip().run(newId('run'), ruleId, key, e.type, e.conversationId, e.contactId, e.dealId, e.id, e.at, e.at);
  };
  const exists = () => prepared(db, 'rules.runExists', () => db.$client.prepare(`SELECT 1 FROM rule_runs WHERE rule_id = ? AND event_key = ?`));
  // A savepoint per run on statements prepared once (a transaction wrapper built per run costs more).
  const savepoint = () =>
    prepared(db, 'rules.runSavepoint', () => ({
      begin: db.$client.prepare('SAVEPOINT rule_run'),
      release: db.$client.prepare('RELEASE rule_run'),
      rollback: db.$client.prepare('ROLLBACK TO rule_run'),
    }));
  /** Runs a fresh run inside its savepoint: its writes stay only if it finishes. */
  const runAtomically = (fresh: FreshRun) => {
    const sp = savepoint();
    sp.begin.run();
    try {
      runRule(deps, fresh);
    } catch (err) {
      // SQLite may have ended the whole transaction (disk full, I/O): there is no savepoint left to undo.
      if (db.$client.inTransaction) {
        sp.rollback.run();
        sp.release.run();
      }
      throw err;
    }
    sp.release.run();
  };
  return {
    name: 'rules',
    wants: (type: EventType) => deps.rules.listensTo(type),
    wakes: [RULE_RUN_QUEUE],
    handle(events: StoredEvent[], { inline }: { inline: boolean }) {
      const now = deps.clock.now();
      for (const e of events) {
        // Read only: the payload object may be the emitter's own (handed out in its transaction).
        const data: Readonly<Record<string, unknown>> = withMessageText(db, e.type, e.payload ?? (JSON.parse(e.data) as Record<string, unknown>), e.memo);
        const view = e.type === 'message.received' ? textView(data, deps.rules.vocabulary()) : null;
        let facts: Facts | undefined;
        let waitingSince: number | null | undefined;
        for (const rule of deps.rules.candidates(e.type, view)) {
          if (!triggerMatches(rule.trigger, data, view)) continue;
          const immediate = rule.trigger.type !== 'no_business_reply' && rule.trigger.type !== 'no_customer_reply';
          if (immediate && rule.conditions.items.length) {
            // Conditions that do not hold end here, counted in the log: no job, no run row of their own.
            facts ??= loadFacts(db, e, data, now);
            if (!evaluateConditions(rule.conditions, facts)) {
              // The log says which conversation and contact; the event itself is not copied (it is never run).
              skipped(rule.row.id, e);
              continue;
            }
          }
          const delayed = rule.trigger.type === 'no_business_reply' || rule.trigger.type === 'no_customer_reply';
          let key = `e:${e.id}`;
          let runAt = e.at;
          if (delayed) {
            if (waitingSince === undefined) waitingSince = e.conversationId ? waitingSinceOf(db, e.conversationId) : null;
            const since = rule.trigger.type === 'no_business_reply' ? (waitingSince ?? e.at) : e.at;
            key = `w:${e.conversationId ?? e.id}:${since}`;
            runAt = since + rule.trigger.minutes! * 60_000;
          }
          if (delayed) {
            // Most messages fall in a waiting period that already has its follow-up: look before writing.
            if (exists().get(rule.row.id, key)) continue;
            const id = newId('run');
            if (insert().run(id, rule.row.id, key, e.type, e.conversationId, e.contactId, e.dealId, e.data, e.at, e.at).changes === 0) continue;
            deps.jobs.enqueue(RULE_RUN_QUEUE, { runId: id }, { idempotencyKey: id, runAt, maxAttempts: 5 });
            continue;
          }
          if (exists().get(rule.row.id, key)) continue; // fired by this event before (the outbox was read again)
          const id = newId('run');
          // A run that waits and goes on later keeps the event its actions read (a message event names its
          // message: no copy of the text); one that finishes here keeps none (the log names what fired it: the
          // event's type and id, its conversation and contact); one left to a job is given it below.
          const parks = rule.actions.some((a) => a.type === 'wait');
          const run: RunRow = { id, ruleId: rule.row.id, eventKey: key, eventType: e.type, conversationId: e.conversationId, contactId: e.contactId, dealId: e.dealId, event: parks ? e.data : '{}', state: 'pending', nextStep: 0, conditionsMatched: null, log: '[]', error: null, createdAt: e.at, updatedAt: e.at, eventCount: 1, lastEventId: null, loopKey: null };
          try {
            // The run and its row commit with the fan-out: the row is written once, finished. Handed out inline,
            // one savepoint covers the whole fan-out (a run that throws undoes it all, and the fan-out job
            // comes back to it); otherwise each run has its own.
            if (inline) runRule(deps, { run, event: data, facts });
            else runAtomically({ run, event: data, facts });
          } catch (err) {
            if (inline) throw err;
            // SQLite may have ended the whole transaction (disk full, I/O): nothing more may be written in it.
            if (!db.$client.inTransaction) throw err;
            // Left pending: the job runs it again and records what went wrong.
            insert().run(id, rule.row.id, key, e.type, e.conversationId, e.contactId, e.dealId, e.data, e.at, e.at);
            deps.jobs.enqueue(RULE_RUN_QUEUE, { runId: id }, { idempotencyKey: id, maxAttempts: 5 });
          }
          // What this run did (a tag, an assignment) is what the next rule's conditions must see.
          facts = undefined;
          waitingSince = undefined;
        }
      }
    },
  };
}

const HOUR = 3_600_000;

/**
 * The log row an event whose conditions do not hold is counted on, in its hour: its deal's for a deal event,
 * otherwise its conversation's, or its contact's when it has none.
 */
export const skipKey = (e: Pick<StoredEvent, 'id' | 'type' | 'conversationId' | 'contactId' | 'dealId' | 'at'>) => {
  const subject = e.type.startsWith('deal.') ? (e.dealId ?? e.conversationId) : (e.conversationId ?? e.contactId ?? e.dealId);
  return `n:${subject ?? `e${e.id}`}:${Math.floor(e.at / HOUR)}`;
};

