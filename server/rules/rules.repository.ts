import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { rules } from '../../db/schema/rules.js';
import { toIso } from '../lib/clock.js';
import type { EventType } from '../events/events.outbox.js';
import { compiledRegex, TRIGGER_EVENTS } from './rules.models.js';
import { keywordWords, vocabularyOf, type TextView, type Vocabulary } from './rules.text.js';
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
interface RuleIndex {
  all: Rule[];
  byId: Map<string, Rule>;
  /** Rules by the event type that fires them, keyword rules left out. */
  byEvent: Map<EventType, Rule[]>;
  /** Single-word keywords (folded) → their rules, and a regex-only rule under a word its regex needs whole; other keyword rules (phrases, regexes) are scanned. */
  byWord: Map<string, Rule[]>;
  scanned: Rule[];
  /** Every word a keyword trigger checks for whole: the only words of a message worth cutting out. */
  vocabulary: Vocabulary;
}

function indexRules(all: Rule[]): RuleIndex {
  const index: RuleIndex = { all, byId: new Map(all.map((r) => [r.row.id, r])), byEvent: new Map(), byWord: new Map(), scanned: [], vocabulary: new Map() };
  const words = new Set<string>();
  for (const r of all) {
    const type = TRIGGER_EVENTS[r.trigger.type];
    if (!type) continue;
    if (r.trigger.type !== 'keyword') {
      index.byEvent.set(type, [...(index.byEvent.get(type) ?? []), r]);
      continue;
    }
    const keywords = (r.trigger.keywords ?? []).map(keywordWords);
    for (const parts of keywords) if (parts.length === 1) words.add(parts[0]!);
    const regexWords = r.trigger.regex ? compiledRegex(r.trigger.regex).words : [];
    for (const w of regexWords) words.add(w);
    const under = (w: string) => index.byWord.get(w)?.includes(r) || index.byWord.set(w, [...(index.byWord.get(w) ?? []), r]);
    // A regex alone that needs a whole word cannot match a message without it: looked up by that word too.
    if (r.trigger.regex && keywords.length === 0 && regexWords.length) under(regexWords[0]!);
    else if (r.trigger.regex || keywords.some((w) => w.length !== 1)) index.scanned.push(r);
    else for (const [w] of keywords) under(w!);
  }
  index.vocabulary = vocabularyOf(words);
  return index;
}

export function createRuleCache(db: Db) {
  let cached: Rule[] | null = null;
  let index: RuleIndex | null = null;
  const listeners: (() => void)[] = [];
  return {
    /** The enabled rules an event may fire: by type, and for messages the keyword rules whose word it contains. */
    candidates(type: EventType, view: TextView | null): Rule[] {
      index ??= indexRules(this.enabled());
      const byType = index.byEvent.get(type) ?? [];
      // Keyword rules need text: without it none can match.
      if (type !== 'message.received' || !view) return byType;
      const hits: Rule[] = [];
      for (const w of view.words) {
        const rules = index.byWord.get(w);
        if (rules !== undefined) for (const r of rules) if (!hits.includes(r)) hits.push(r);
      }
      return hits.length || index.scanned.length ? [...byType, ...index.scanned, ...hits] : byType;
    },
    /** The words keyword triggers look for (`textView` cuts out only these). */
    vocabulary(): Vocabulary {
      index ??= indexRules(this.enabled());
      return index.vocabulary;
    },
    /** An enabled rule, parsed (undefined when disabled or deleted). */
    byId(id: string): Rule | undefined {
      index ??= indexRules(this.enabled());
      return index.byId.get(id);
    },
    /** Whether any enabled rule listens to this event type (asked on the write path). */
    listensTo(type: EventType): boolean {
      index ??= indexRules(this.enabled());
      return index.byEvent.has(type) || (type === 'message.received' && (index.byWord.size > 0 || index.scanned.length > 0));
    },
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
      index = null;
      for (const fn of listeners) fn();
    },
  };
}
export type RuleCache = ReturnType<typeof createRuleCache>;

/** A rule for the API, with when it last fired and how often in the 24 hours before `now`. */
export function ruleToJson(db: Db, row: RuleRow, now: number) {
  const stats = db.$client
    // A counted "conditions not met" row stands for event_count firings, the last at updated_at.
    .prepare(`SELECT max(CASE WHEN event_count > 1 THEN updated_at ELSE created_at END) AS lastRunAt, sum(CASE WHEN created_at > ? THEN event_count ELSE 0 END) AS runs24h FROM rule_runs WHERE rule_id = ?`)
    .get(now - 86_400_000, row.id) as { lastRunAt: number | null; runs24h: number | null };
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
