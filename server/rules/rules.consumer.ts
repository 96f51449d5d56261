import type { Db } from '../../db/client.js';
import type { EventConsumer, EventType, StoredEvent } from '../events/events.outbox.js';
import type { JobStore } from '../jobs/jobs.store.js';
import { newId } from '../lib/ids.js';
import { textView, TRIGGER_EVENTS, triggerMatches } from './rules.models.js';
import type { RuleCache } from './rules.repository.js';

export const RULE_RUN_QUEUE = 'rules.run';

/**
 * The rules' outbox consumer: for each event, every enabled rule whose trigger it fires gets one run
 * (UNIQUE(rule, event), so a replay or a second fan-out adds nothing) and the job that executes it —
 * delayed by N minutes for "no reply" triggers, which check again at that time whether someone answered.
 */
export function createRulesConsumer(deps: { db: Db; jobs: Pick<JobStore, 'enqueue'>; rules: RuleCache }): EventConsumer {
  const { db } = deps;
  const insert = db.$client.prepare(
    `INSERT INTO rule_runs (id, rule_id, event_key, event_type, conversation_id, contact_id, deal_id, event, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (rule_id, event_key) DO NOTHING`,
  );
  return {
    name: 'rules',
    wants: (type: EventType) => deps.rules.enabled().some((r) => TRIGGER_EVENTS[r.trigger.type] === type),
    wakes: [RULE_RUN_QUEUE],
    handle(events: StoredEvent[]) {
      for (const e of events) {
        const data = JSON.parse(e.data) as Record<string, unknown>;
        const view = e.type === 'message.received' ? textView(data) : null;
        for (const rule of deps.rules.enabled()) {
          if (TRIGGER_EVENTS[rule.trigger.type] !== e.type || !triggerMatches(rule.trigger, data, view)) continue;
          const id = newId('run');
          if (insert.run(id, rule.row.id, `e:${e.id}`, e.type, e.conversationId, e.contactId, e.dealId, e.data, e.at, e.at).changes === 0) continue;
          const delayed = rule.trigger.type === 'no_business_reply' || rule.trigger.type === 'no_customer_reply';
          deps.jobs.enqueue(RULE_RUN_QUEUE, { runId: id }, { idempotencyKey: id, runAt: delayed ? e.at + rule.trigger.minutes! * 60_000 : e.at, maxAttempts: 5 });
        }
      }
    },
  };
}
