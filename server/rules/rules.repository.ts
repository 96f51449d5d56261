import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { rules } from '../../db/schema/rules.js';
import { toIso } from '../lib/clock.js';
import { actionSchema, conditionsSchema, scopeSchema, triggerSchema, type Action, type Conditions, type Trigger } from './rules.schemas.js';

export type RuleRow = typeof rules.$inferSelect;

/** A rule with its JSON read (a stored value that no longer parses reads as empty and flags nothing). */
export interface Rule {
  row: RuleRow;
  trigger: Trigger;
  conditions: Conditions;
  actions: Action[];
  scope: { channelId?: string; teamId?: string };
}

export function parseRule(row: RuleRow): Rule | null {
  const trigger = triggerSchema.safeParse(JSON.parse(row.trigger));
  if (!trigger.success) return null;
  const conditions = conditionsSchema.safeParse(JSON.parse(row.conditions));
  const actions = JSON.parse(row.actions) as unknown[];
  return {
    row,
    trigger: trigger.data,
    conditions: conditions.success ? conditions.data : { match: 'all', items: [] },
    actions: actions.flatMap((a) => {
      const r = actionSchema.safeParse(a);
      return r.success ? [r.data] : [];
    }),
    scope: scopeSchema.parse(JSON.parse(row.scope)),
  };
}

export const getRule = (db: Db, id: string) => db.select().from(rules).where(eq(rules.id, id)).get();
export const listRules = (db: Db) => db.select().from(rules).orderBy(asc(rules.position), asc(rules.createdAt)).all();

/** Enabled rules, parsed once and kept until a rule changes (they are read for every event). */
export function createRuleCache(db: Db) {
  let cached: Rule[] | null = null;
  const listeners: (() => void)[] = [];
  return {
    /** Called after every change (schedule timers follow the rules). */
    onChange(fn: () => void) {
      listeners.push(fn);
    },
    enabled(): Rule[] {
      cached ??= listRules(db)
        .filter((r) => r.enabled)
        .flatMap((r) => {
          const parsed = parseRule(r);
          return parsed ? [parsed] : [];
        });
      return cached;
    },
    invalidate() {
      cached = null;
      for (const fn of listeners) fn();
    },
  };
}
export type RuleCache = ReturnType<typeof createRuleCache>;

export function ruleToJson(db: Db, row: RuleRow) {
  const stats = db.$client
    .prepare(`SELECT max(created_at) AS lastRunAt, sum(created_at > ?) AS runs24h FROM rule_runs WHERE rule_id = ?`)
    .get(Date.now() - 86_400_000, row.id) as { lastRunAt: number | null; runs24h: number | null };
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    trigger: JSON.parse(row.trigger) as unknown,
    conditions: JSON.parse(row.conditions) as unknown,
    actions: JSON.parse(row.actions) as unknown,
    scope: JSON.parse(row.scope) as unknown,
    flaggedError: row.flaggedError,
    builtIn: row.builtIn,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    lastRunAt: toIso(stats.lastRunAt),
    runs24h: stats.runs24h ?? 0,
  };
}
