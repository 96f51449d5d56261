import { prepared } from '../../db/client.js';
import type { EventConsumer, EventType, StoredEvent } from '../events/events.outbox.js';
import { getConversation } from '../inbox/conversations.repository.js';
import { newId } from '../lib/ids.js';
import type { ActionDeps } from './rules.actions.js';
import { evaluateConditions, textView, triggerMatches, type Facts } from './rules.models.js';
import type { RuleCache } from './rules.repository.js';
import { loadFacts, runRule } from './rules.run.js';

export const RULE_RUN_QUEUE = 'rules.run';

export type ConsumerDeps = ActionDeps & { rules: RuleCache };

/**
 * The rules' outbox consumer. For each event, every enabled rule whose trigger it fires gets one run
 * (UNIQUE(rule, event key): a replay adds nothing). Immediate runs execute right here, in the fan-out's
 * transaction, each inside its own savepoint (a run that throws is left to a job that retries it). "No
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
  const skipped = () =>
    prepared(db, 'rules.insertSkippedRun', () =>
      db.$client.prepare(
        `INSERT INTO rule_runs (id, rule_id, event_key, event_type, conversation_id, contact_id, deal_id, event, state, conditions_matched, error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'skipped', 0, 'conditions not met', ?, ?) ON CONFLICT (rule_id, event_key) DO NOTHING`,
      ),
    );
  return {
    name: 'rules',
    wants: (type: EventType) => deps.rules.listensTo(type),
    wakes: [RULE_RUN_QUEUE],
    handle(events: StoredEvent[]) {
      const now = deps.clock.now();
      for (const e of events) {
        const data = JSON.parse(e.data) as Record<string, unknown>;
        const view = e.type === 'message.received' ? textView(data) : null;
        let facts: Facts | undefined;
        for (const rule of deps.rules.candidates(e.type, view)) {
          if (!triggerMatches(rule.trigger, data, view)) continue;
          const immediate = rule.trigger.type !== 'no_business_reply' && rule.trigger.type !== 'no_customer_reply';
          if (immediate && rule.conditions.items.length) {
            // Conditions that do not hold end here with one row in the log: no job, no second write.
            facts ??= loadFacts(db, e, data, now);
            if (!evaluateConditions(rule.conditions, facts)) {
              skipped().run(newId('run'), rule.row.id, `e:${e.id}`, e.type, e.conversationId, e.contactId, e.dealId, e.data, e.at, e.at);
              continue;
            }
          }
          const delayed = rule.trigger.type === 'no_business_reply' || rule.trigger.type === 'no_customer_reply';
          let key = `e:${e.id}`;
          let runAt = e.at;
          if (delayed) {
            const conv = e.conversationId ? getConversation(db, e.conversationId) : undefined;
            const since = rule.trigger.type === 'no_business_reply' ? (conv?.waitingSince ?? e.at) : e.at;
            key = `w:${e.conversationId ?? e.id}:${since}`;
            runAt = since + rule.trigger.minutes! * 60_000;
          }
          const id = newId('run');
          if (insert().run(id, rule.row.id, key, e.type, e.conversationId, e.contactId, e.dealId, e.data, e.at, e.at).changes === 0) continue;
          if (delayed) {
            deps.jobs.enqueue(RULE_RUN_QUEUE, { runId: id }, { idempotencyKey: id, runAt, maxAttempts: 5 });
            continue;
          }
          try {
            db.$client.transaction(() => runRule(deps, { runId: id })).immediate();
          } catch {
            // Left pending: the job runs it again (from the step it reached) and records what went wrong.
            deps.jobs.enqueue(RULE_RUN_QUEUE, { runId: id }, { idempotencyKey: id, maxAttempts: 5 });
          }
        }
      }
    },
  };
}
