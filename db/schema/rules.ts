import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** An automation rule: a trigger, conditions and ordered actions (all JSON, validated by the rules domain). */
export const rules = sqliteTable('rules', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(false),
  trigger: text('trigger').notNull(),
  conditions: text('conditions').notNull().default('{"match":"all","items":[]}'),
  actions: text('actions').notNull().default('[]'),
  /** Limits the rule to one WhatsApp number and/or team (JSON). */
  scope: text('scope').notNull().default('{}'),
  /** Set when a run met a configuration error (deleted team, template…); cleared on edit. */
  flaggedError: text('flagged_error'),
  /** Shipped with Parley (kept disabled until someone turns it on). */
  builtIn: text('built_in'),
  position: integer('position').notNull().default(0),
  createdBy: text('created_by'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const RUN_STATES = ['pending', 'waiting', 'done', 'skipped', 'failed', 'cancelled'] as const;

/** One firing of a rule for one event: conditions result and each action's outcome. */
export const ruleRuns = sqliteTable(
  'rule_runs',
  {
    id: text('id').primaryKey(),
    ruleId: text('rule_id').notNull(),
    /** The outbox event that fired it (or a schedule slot): a rule fires once per event. */
    eventKey: text('event_key').notNull(),
    eventType: text('event_type').notNull(),
    conversationId: text('conversation_id'),
    contactId: text('contact_id'),
    dealId: text('deal_id'),
    /** The event's payload (JSON) the actions may read (message text…). */
    event: text('event').notNull(),
    state: text('state', { enum: RUN_STATES }).notNull(),
    /** Index of the next action to run (steps before it are done: a retry does not repeat them). */
    nextStep: integer('next_step').notNull().default(0),
    conditionsMatched: integer('conditions_matched', { mode: 'boolean' }),
    /** JSON array of {action, status, detail, at}. */
    log: text('log').notNull().default('[]'),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /**
     * How many events the row stands for: 1 for a run; a rule's "conditions not met" are counted on one row
     * per hour and deal (deal events), conversation, or else contact, from `created_at` to `updated_at` — a
     * rule on every message that rarely applies would otherwise log a row per message.
     */
    eventCount: integer('event_count').notNull().default(1),
    /** On a counted row, the last event counted: an event read again (a cursor set back) is not counted twice. */
    lastEventId: integer('last_event_id'),
    /**
     * The conversation (or contact) whose runs of this rule loop protection counts, set on a run that acted
     * (done, waiting, failed) and that the check applies to; null otherwise — most rows: a rule on customer
     * messages that does not reach out cannot loop, and its runs stay out of the index.
     */
    loopKey: text('loop_key'),
  },
  (t) => [
    uniqueIndex('rule_runs_event_unique').on(t.ruleId, t.eventKey),
    index('rule_runs_rule_idx').on(t.ruleId, t.createdAt),
    // Loop protection counts a rule's runs that acted for one conversation (or contact) in the last hour.
    index('rule_runs_loop_idx').on(t.ruleId, t.loopKey, t.createdAt).where(sql`loop_key IS NOT NULL`),
  ],
);
