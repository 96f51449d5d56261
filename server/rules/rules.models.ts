import type { EventType } from '../events/events.outbox.js';
import type { Condition, Conditions, Trigger, TriggerType } from './rules.schemas.js';
import { fold, keywordWords, requiredLiteral, textView, wholeWordsOf, type TextView } from './rules.text.js';

/** The outbox event that fires each trigger (schedules fire from their cron instead). */
export const TRIGGER_EVENTS: Record<TriggerType, EventType | null> = {
  message_received: 'message.received',
  keyword: 'message.received',
  no_business_reply: 'message.received',
  no_customer_reply: 'message.sent',
  conversation_created: 'conversation.created',
  conversation_assigned: 'conversation.assigned',
  conversation_resolved: 'conversation.resolved',
  deal_stage_changed: 'deal.stage_changed',
  tag_added: 'contact.tag_added',
  tag_removed: 'contact.tag_removed',
  contact_updated: 'contact.updated',
  task_due: 'task.due',
  payment_status_changed: 'deal.payment_status_changed',
  schedule: null,
};

export { fold, textView, type TextView } from './rules.text.js';

const keywordCache = new Map<string, string[]>();
const keywordParts = (k: string) => {
  let parts = keywordCache.get(k);
  if (!parts) keywordCache.set(k, (parts = keywordWords(k)));
  return parts;
};
const regexCache = new Map<string, CompiledRegex>();

/** A keyword trigger's regex, compiled once: the regex, the literal every match contains, the whole words in it. */
export interface CompiledRegex {
  re: RegExp;
  literal: string | null;
  words: string[];
}

export function compiledRegex(source: string): CompiledRegex {
  let compiled = regexCache.get(source);
  if (!compiled) {
    const literal = requiredLiteral(source);
    regexCache.set(source, (compiled = { re: new RegExp(source, 'iu'), literal, words: literal ? wholeWordsOf(literal) : [] }));
  }
  return compiled;
}

/** Whether an event of the trigger's type also passes its options (keywords, first message, tag, stage). */
export function triggerMatches(t: Trigger, data: Record<string, unknown>, view: TextView | null = t.type === 'keyword' ? textView(data) : null): boolean {
  switch (t.type) {
    case 'message_received':
      return !t.firstMessageOnly || data.firstOfConversation === true;
    case 'keyword': {
      if (!view) return false;
      const byWord = (t.keywords ?? []).some((k) => {
        const parts = keywordParts(k);
        return parts.length > 1 ? view.folded.includes(parts.join(' ')) : parts.length === 1 && view.words.has(parts[0]!);
      });
      if (byWord || !t.regex) return byWord;
      const compiled = compiledRegex(t.regex);
      if (compiled.literal !== null && (compiled.words.some((w) => !view.words.has(w)) || !view.folded.includes(compiled.literal))) return false;
      return compiled.re.test(view.text);
    }
    case 'tag_added':
      return !t.tag || tagOf(data.after) === t.tag;
    case 'tag_removed':
      return !t.tag || tagOf(data.before) === t.tag;
    case 'deal_stage_changed':
      return !t.stageId || data.toStageId === t.stageId;
    default:
      return true;
  }
}

const tagOf = (v: unknown) => (v && typeof v === 'object' && typeof (v as { tag?: unknown }).tag === 'string' ? (v as { tag: string }).tag : null);

/** What conditions look at, read fresh when the run executes. */
export interface Facts {
  contact: { tags: string[]; language: string | null; name: string | null; optedOut: boolean | null; custom: Record<string, unknown> } | null;
  conversation: { status: string; assigneeId: string | null; teamId: string | null; priority: string; windowOpen: boolean } | null;
  message: { text: string | null } | null;
  deal: { stageId: string; amount: number | null } | null;
  /** Whether `at` is within the business hours of a team ('' = the workspace's). */
  inBusinessHours: (teamId: string) => boolean;
}

export function evaluateConditions(c: Conditions, facts: Facts): boolean {
  if (c.items.length === 0) return true;
  const results = c.items.map((item) => evaluate(item, facts));
  return c.match === 'any' ? results.some(Boolean) : results.every(Boolean);
}

function valueOf(field: string, f: Facts): unknown {
  const [scope, name, ...rest] = field.split('.');
  if (scope === 'contact') {
    if (!f.contact) return undefined;
    if (name === 'custom') return f.contact.custom[rest.join('.')];
    return (f.contact as Record<string, unknown>)[name!];
  }
  if (scope === 'conversation') return f.conversation ? (f.conversation as Record<string, unknown>)[name!] : undefined;
  if (scope === 'message') return f.message?.text ?? undefined;
  if (scope === 'deal') return f.deal ? (f.deal as Record<string, unknown>)[name!] : undefined;
  return undefined;
}

// Conditions compare the same short strings (tags, statuses, the condition's own value) for every event.
const foldedShort = new Map<string, string>();
const foldShort = (x: string) => {
  if (x.length > 64) return fold(x);
  let folded = foldedShort.get(x);
  if (folded === undefined) {
    if (foldedShort.size >= 10_000) foldedShort.clear();
    foldedShort.set(x, (folded = fold(x)));
  }
  return folded;
};

function evaluate(c: Condition, f: Facts): boolean {
  if (c.field === 'businessHours') {
    const inside = f.inBusinessHours(c.value ?? '');
    return c.op === 'out_of_hours' ? !inside : inside;
  }
  const v = c.field === 'contact.tag' ? f.contact?.tags : valueOf(c.field, f);
  const want = c.value ?? '';
  const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  const text = (x: unknown) => foldShort(String(x));
  switch (c.op) {
    case 'set':
      return !empty;
    case 'unset':
      return empty;
    case 'eq':
      return Array.isArray(v) ? v.some((x) => text(x) === text(want)) : !empty && text(v) === text(want);
    case 'neq':
      return Array.isArray(v) ? !v.some((x) => text(x) === text(want)) : empty || text(v) !== text(want);
    case 'contains':
      return Array.isArray(v) ? v.some((x) => text(x).includes(text(want))) : !empty && text(v).includes(text(want));
    case 'gt':
    case 'lt': {
      if (empty) return false;
      const a = Number(v);
      const b = Number(want);
      const cmp = Number.isFinite(a) && Number.isFinite(b) ? a - b : String(v).localeCompare(want);
      return c.op === 'gt' ? cmp > 0 : cmp < 0;
    }
    default:
      return false;
  }
}

/** Opening hours of the workspace or a team: per weekday a list of [from, to] in local time, and holidays. */
export interface BusinessHours {
  timezone: string;
  week: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;
  holidays?: string[];
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Whether `at` falls inside the hours, read in their time zone (holidays are closed all day). */
export function isWithinBusinessHours(h: BusinessHours, at: number): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: h.timezone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  if (h.holidays?.includes(date)) return false;
  const day = DAYS[['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!)]!;
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  const toMin = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
  return (h.week[day] ?? []).some(([from, to]) => minute >= toMin(from) && minute < toMin(to));
}
