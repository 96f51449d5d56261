import type { Db } from '../../db/client.js';
import { DEFAULT_OPT_OUT_KEYWORDS } from '../consent/consent.models.js';
import type { Action, Conditions, Trigger } from './rules.schemas.js';

interface BuiltIn {
  id: string;
  name: string;
  trigger: Trigger;
  conditions?: Conditions;
  actions: Action[];
}

/** Shipped ready but disabled: a business turns on what fits and edits the words. */
const BUILT_INS: BuiltIn[] = [
  {
    id: 'rule_builtin_welcome',
    name: 'Welcome message on first contact',
    trigger: { type: 'message_received', firstMessageOnly: true },
    actions: [{ type: 'send_reply', text: 'Hi! Thanks for your message. We will answer you shortly.' }],
  },
  {
    id: 'rule_builtin_out_of_hours',
    name: 'Out-of-hours reply',
    trigger: { type: 'message_received' },
    conditions: { match: 'all', items: [{ field: 'businessHours', op: 'out_of_hours', value: '' }] },
    actions: [{ type: 'send_reply', text: 'Thanks for writing! We are closed right now and will reply when we open.' }],
  },
  {
    id: 'rule_builtin_waiting_task',
    name: 'Follow-up task when a customer waits over 1 hour',
    trigger: { type: 'no_business_reply', minutes: 60 },
    actions: [{ type: 'create_task', title: 'Customer waiting for an answer for over an hour', dueInMinutes: 0, assignee: 'conversation_assignee' }],
  },
  {
    id: 'rule_builtin_opt_out',
    name: 'Opt-out keywords (Parley records the opt-out itself; this rule only tags)',
    trigger: { type: 'keyword', keywords: DEFAULT_OPT_OUT_KEYWORDS.slice(0, 50) },
    actions: [{ type: 'add_tag', tag: 'opted-out' }],
  },
];

/** Adds the built-in rules that are missing (at boot; never re-enables or overwrites an edited one). */
export function seedBuiltInRules(db: Db, now: number): void {
  const insert = db.$client.prepare(
    `INSERT INTO rules (id, name, enabled, trigger, conditions, actions, scope, built_in, position, created_at, updated_at)
     VALUES (?, ?, 0, ?, ?, ?, '{}', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  BUILT_INS.forEach((r, i) =>
    insert.run(r.id, r.name, JSON.stringify(r.trigger), JSON.stringify(r.conditions ?? { match: 'all', items: [] }), JSON.stringify(r.actions), r.id.replace('rule_builtin_', ''), 1000 + i, now, now),
  );
}
