/** Automation rules in words: triggers, conditions and actions as people read them; matching and cron checks. */
import { Cron } from 'croner';
import type { Action, ActionType, Condition, ConditionOp, Trigger, TriggerType } from './rules.api';

/** Names of the things rules point at by id (teams, people, stages…); an unknown id is shown as is. */
export interface Names {
  teams?: ReadonlyMap<string, string>;
  users?: ReadonlyMap<string, string>;
  stages?: ReadonlyMap<string, string>;
  pipelines?: ReadonlyMap<string, string>;
  templates?: ReadonlyMap<string, string>;
  channels?: ReadonlyMap<string, string>;
}
const nameOf = (map: ReadonlyMap<string, string> | undefined, id: string) => map?.get(id) ?? id;
export const quote = (s: string) => `“${s}”`;
/** "a", "a or b", "a, b or c". */
const orList = (items: string[], word = 'or') => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`);

/** Limits the server enforces (rules.schemas.ts), checked here first so the form can say which row is wrong. */
export const LIMITS = { actions: 20, conditions: 20, keywords: 50, keywordLength: 60, tagLength: 64, minutes: 60 * 24 * 30, taskMinutes: 60 * 24 * 365 } as const;

// ——— Triggers ———

export const TRIGGERS: { type: TriggerType; label: string }[] = [
  { type: 'message_received', label: 'A customer sends a message' },
  { type: 'keyword', label: 'A message mentions a keyword' },
  { type: 'conversation_created', label: 'A conversation starts' },
  { type: 'conversation_assigned', label: 'A conversation is assigned' },
  { type: 'conversation_resolved', label: 'A conversation is resolved' },
  { type: 'no_business_reply', label: 'A customer is waiting for our reply' },
  { type: 'no_customer_reply', label: 'A customer does not answer us' },
  { type: 'tag_added', label: 'A tag is added to a contact' },
  { type: 'tag_removed', label: 'A tag is removed from a contact' },
  { type: 'contact_updated', label: 'A contact is updated' },
  { type: 'deal_stage_changed', label: 'A deal moves to another stage' },
  { type: 'payment_status_changed', label: 'A payment status changes' },
  { type: 'task_due', label: 'A task is due' },
  { type: 'schedule', label: 'On a schedule' },
];
const triggerLabel = (type: TriggerType) => TRIGGERS.find((t) => t.type === type)?.label ?? type;
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A number of minutes readably: "30 min", "1 h 30 min", "2 h", "1 day", "3 days 2 h". */
export function minutesText(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  const parts = [days ? `${days} day${days === 1 ? '' : 's'}` : '', hours ? `${hours} h` : '', mins || m === 0 ? `${mins} min` : ''];
  return parts.filter(Boolean).join(' ');
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_ALIASES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, '7': 0 };
export const isInt = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
const hhmm = (h: string, m: string) => `${h.padStart(2, '0')}:${m.padStart(2, '0')}`;

/** Weekday numbers (0 = Sunday) of a cron day-of-week field made of numbers, names, lists and ranges; null for anything else. */
function weekdays(field: string): number[] | null {
  const out = new Set<number>();
  const day = (s: string) => (/^[0-7]$/.test(s) ? Number(s) % 7 : DAY_ALIASES[s.toLowerCase()]);
  for (const part of field.split(',')) {
    const [a, b, ...rest] = part.split('-');
    const from = a === undefined ? undefined : day(a);
    if (rest.length || from === undefined) return null;
    if (b === undefined) {
      out.add(from);
      continue;
    }
    const to = b === '7' ? 7 : day(b);
    if (to === undefined || to < from) return null;
    for (let d = from; d <= to; d++) out.add(d % 7);
  }
  return [...out].sort((x, y) => x - y);
}

/**
 * A cron expression in words for the common shapes ("Every weekday at 09:00", "Every 15 minutes",
 * "On day 1 of every month at 08:30"); anything else is quoted as it is.
 */
export function cronText(cron: string): string {
  const f = cron.trim().split(/\s+/);
  const fallback = `On the schedule ${quote(cron.trim())}`;
  if (f.length !== 5) return fallback;
  const [m, h, dom, mon, dow] = f as [string, string, string, string, string];
  const every = /^\*\/(\d+)$/;
  if (mon !== '*') return fallback;
  if (every.test(m) && h === '*' && dom === '*' && dow === '*') return `Every ${m.match(every)![1]} minutes`;
  if (m === '*' && h === '*' && dom === '*' && dow === '*') return 'Every minute';
  if (isInt(m) && h === '*' && dom === '*' && dow === '*') return m === '0' ? 'Every hour' : `Every hour at minute ${Number(m)}`;
  if (isInt(m) && every.test(h) && dom === '*' && dow === '*') return `Every ${h.match(every)![1]} hours`;
  if (!isInt(m) || !isInt(h) || Number(h) > 23 || Number(m) > 59) return fallback;
  const at = `at ${hhmm(h, m)}`;
  if (dom === '*' && dow === '*') return `Every day ${at}`;
  if (isInt(dom) && dow === '*') return `On day ${Number(dom)} of every month ${at}`;
  if (dom !== '*') return fallback;
  const days = weekdays(dow);
  if (!days?.length) return fallback;
  const key = days.join(',');
  if (key === '1,2,3,4,5') return `Every weekday ${at}`;
  if (key === '0,6') return `Every weekend day ${at}`;
  if (days.length === 7) return `Every day ${at}`;
  return `Every ${orList(days.map((d) => DAY_NAMES[d]!), 'and')} ${at}`;
}

/** Schedules people pick most, as ready-made cron expressions. */
export const CRON_PRESETS: { cron: string; label: string }[] = [
  { cron: '0 9 * * 1-5', label: 'Weekdays 09:00' },
  { cron: '0 9 * * *', label: 'Every day 09:00' },
  { cron: '0 8 * * 1', label: 'Mondays 08:00' },
  { cron: '0 9 1 * *', label: '1st of the month' },
  { cron: '0 * * * *', label: 'Every hour' },
];

/** What starts the rule, in one sentence ("When a message mentions “price” or “cost”"). */
export function triggerText(t: Trigger, names: Names = {}): string {
  switch (t.type) {
    case 'message_received':
      return t.firstMessageOnly ? 'When a customer sends the first message of a conversation' : 'When a customer sends a message';
    case 'keyword': {
      const parts = [...(t.keywords?.length ? [`mentions ${orList(t.keywords.map(quote))}`] : []), ...(t.regex ? [`matches the pattern /${t.regex}/`] : [])];
      return parts.length ? `When a message ${parts.join(' or ')}` : 'When a message mentions a keyword';
    }
    case 'tag_added':
      return t.tag ? `When the tag ${quote(t.tag)} is added to a contact` : 'When a tag is added to a contact';
    case 'tag_removed':
      return t.tag ? `When the tag ${quote(t.tag)} is removed from a contact` : 'When a tag is removed from a contact';
    case 'deal_stage_changed':
      return t.stageId ? `When a deal moves to ${quote(nameOf(names.stages, t.stageId))}` : 'When a deal moves to another stage';
    case 'no_business_reply':
      return t.minutes ? `When a customer's message gets no reply from us within ${minutesText(t.minutes)}` : 'When a customer is waiting for our reply';
    case 'no_customer_reply':
      return t.minutes ? `When a customer does not answer us within ${minutesText(t.minutes)}` : 'When a customer does not answer us';
    case 'schedule':
      return t.cron ? `${cronText(t.cron)}${t.timezone ? ` (${t.timezone})` : ''}` : 'On a schedule';
    default:
      return `When ${lowerFirst(triggerLabel(t.type))}`;
  }
}

/** Lower case without accents, so "Preço" matches "preco" (the server's own folding). */
export const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const WORDS = /[^\p{L}\p{N}]+/u;

/**
 * Whether a message would start a keyword trigger, as the server decides it: any keyword as a whole word
 * (a phrase of several words anywhere), case- and accent-insensitive, or the pattern (case-insensitive).
 */
export function keywordMatches(t: Pick<Trigger, 'keywords' | 'regex'>, text: string): boolean {
  if (!text) return false;
  const words = new Set(fold(text).split(WORDS).filter(Boolean));
  const byWord = (t.keywords ?? []).some((k) => {
    const parts = fold(k).split(WORDS).filter(Boolean);
    return parts.length > 1 ? fold(text).includes(parts.join(' ')) : parts.length === 1 && words.has(parts[0]!);
  });
  if (byWord) return true;
  if (!t.regex || regexProblem(t.regex)) return false;
  return new RegExp(t.regex, 'iu').test(text);
}

/** What is wrong with a pattern (compiled like the server does: case-insensitive, Unicode); null when it compiles. */
export function regexProblem(source: string): string | null {
  try {
    new RegExp(source, 'iu');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : 'invalid pattern';
  }
}

/** Whether the browser knows a time zone name ("Europe/Lisbon"). */
export function isTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A cron expression checked with the server's parser: its problem, or its next run (null if it never runs). */
export function checkCron(cron: string, timezone?: string): { error: string } | { next: Date | null } {
  if (!cron.trim()) return { error: 'enter a schedule' };
  try {
    const job = new Cron(cron.trim(), { paused: true, ...(timezone && isTimeZone(timezone) && { timezone }) });
    const next = job.nextRun();
    job.stop();
    return { next };
  } catch (err) {
    return { error: err instanceof Error ? err.message : 'invalid schedule' };
  }
}

// ——— Conditions ———

export type ValueKind = 'text' | 'number' | 'date' | 'option' | 'yesno' | 'user' | 'team' | 'stage' | 'status' | 'priority' | 'hours';

export interface FieldDef {
  id: string;
  label: string;
  ops: ConditionOp[];
  kind: ValueKind;
  /** Choices of an `option` field. */
  options?: string[];
}

/** A custom contact field as the condition builder needs it (lib/custom-fields.ts). */
export interface CustomFieldLike {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'select';
  options: string[];
}

const TEXT_OPS: ConditionOp[] = ['eq', 'neq', 'contains', 'set', 'unset'];
const ID_OPS: ConditionOp[] = ['eq', 'neq', 'set', 'unset'];
const ORDER_OPS: ConditionOp[] = ['eq', 'neq', 'gt', 'lt', 'set', 'unset'];

/** The fields conditions can look at, in the order of the field select (custom fields follow the contact's). */
export const CONDITION_FIELDS: FieldDef[] = [
  { id: 'contact.tag', label: 'Contact tag', ops: TEXT_OPS, kind: 'text' },
  { id: 'contact.name', label: 'Contact name', ops: TEXT_OPS, kind: 'text' },
  { id: 'contact.language', label: 'Contact language', ops: ID_OPS, kind: 'text' },
  { id: 'contact.optedOut', label: 'Contact opted out of marketing', ops: ['eq'], kind: 'yesno' },
  { id: 'conversation.status', label: 'Conversation status', ops: ['eq', 'neq'], kind: 'status' },
  { id: 'conversation.assigneeId', label: 'Assigned to', ops: ID_OPS, kind: 'user' },
  { id: 'conversation.teamId', label: 'Conversation team', ops: ID_OPS, kind: 'team' },
  { id: 'conversation.priority', label: 'Conversation priority', ops: ['eq', 'neq'], kind: 'priority' },
  { id: 'conversation.windowOpen', label: '24-hour reply window open', ops: ['eq'], kind: 'yesno' },
  { id: 'message.text', label: 'Message text', ops: TEXT_OPS, kind: 'text' },
  { id: 'deal.stageId', label: 'Deal stage', ops: ID_OPS, kind: 'stage' },
  { id: 'deal.amount', label: 'Deal amount', ops: ['eq', 'gt', 'lt', 'set', 'unset'], kind: 'number' },
  { id: 'businessHours', label: 'Business hours', ops: ['in_hours', 'out_of_hours'], kind: 'hours' },
];
export const CUSTOM_PREFIX = 'contact.custom.';
export const CUSTOM_KEY = /^[a-z0-9_]{1,64}$/;

/** The definition of a condition field, custom fields included (an unknown custom key reads as text). */
export function fieldDef(field: string, custom: readonly CustomFieldLike[] = []): FieldDef | null {
  const fixed = CONDITION_FIELDS.find((f) => f.id === field);
  if (fixed) return fixed;
  if (!field.startsWith(CUSTOM_PREFIX)) return null;
  const key = field.slice(CUSTOM_PREFIX.length);
  const cf = custom.find((c) => c.key === key);
  const label = cf?.label ?? key;
  if (cf?.type === 'number') return { id: field, label, ops: ORDER_OPS, kind: 'number' };
  if (cf?.type === 'date') return { id: field, label, ops: ORDER_OPS, kind: 'date' };
  if (cf?.type === 'select') return { id: field, label, ops: ['eq', 'neq', 'set', 'unset'], kind: 'option', options: cf.options };
  return { id: field, label, ops: TEXT_OPS, kind: 'text' };
}

/** Every field for the field select: the fixed ones with the contact's custom fields after the contact's own. */
export function conditionFields(custom: readonly CustomFieldLike[]): FieldDef[] {
  const customDefs = custom.map((c) => fieldDef(CUSTOM_PREFIX + c.key, custom)!).map((f) => ({ ...f, label: `Contact: ${f.label}` }));
  const at = CONDITION_FIELDS.findIndex((f) => !f.id.startsWith('contact.'));
  return [...CONDITION_FIELDS.slice(0, at), ...customDefs, ...CONDITION_FIELDS.slice(at)];
}

const OP_LABELS: Record<ConditionOp, string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  gt: 'is more than',
  lt: 'is less than',
  set: 'has a value',
  unset: 'is empty',
  in_hours: 'are open',
  out_of_hours: 'are closed',
};
const TAG_OP_LABELS: Partial<Record<ConditionOp, string>> = { eq: 'includes', neq: 'does not include', contains: 'includes one containing', set: 'has any tag', unset: 'has no tags' };
const DATE_OP_LABELS: Partial<Record<ConditionOp, string>> = { gt: 'is after', lt: 'is before' };

/** An operator in words for its field ("Contact tag includes", "Deal amount is more than", "Business hours are open"). */
export function opLabel(field: string, op: ConditionOp, custom: readonly CustomFieldLike[] = []): string {
  if (field === 'contact.tag') return TAG_OP_LABELS[op] ?? OP_LABELS[op];
  if (fieldDef(field, custom)?.kind === 'date') return DATE_OP_LABELS[op] ?? OP_LABELS[op];
  return OP_LABELS[op];
}

/** Operators compared against a value; `set`/`unset` are not, business hours take an optional team. */
export const opNeedsValue = (op: ConditionOp) => op === 'eq' || op === 'neq' || op === 'contains' || op === 'gt' || op === 'lt';

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export const CONVERSATION_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A condition's value in words (a team's or person's name, "yes"/"no", the workspace's hours). */
function valueText(def: FieldDef | null, value: string, names: Names): string {
  switch (def?.kind) {
    case 'yesno':
      return value === 'false' ? 'no' : 'yes';
    case 'user':
      return nameOf(names.users, value);
    case 'team':
      return nameOf(names.teams, value);
    case 'stage':
      return quote(nameOf(names.stages, value));
    case 'hours':
      return value ? `for ${nameOf(names.teams, value)}` : 'for the workspace';
    case 'number':
    case 'status':
    case 'priority':
      return value;
    default:
      return quote(value);
  }
}

/** One condition in words ("Contact tag includes “vip”", "Business hours are closed for the workspace"). */
export function conditionText(c: Condition, names: Names = {}, custom: readonly CustomFieldLike[] = []): string {
  const def = fieldDef(c.field, custom);
  const label = def?.label ?? c.field;
  const op = opLabel(c.field, c.op, custom);
  if (def?.kind === 'hours') return `${label} ${op} ${valueText(def, c.value ?? '', names)}`;
  return opNeedsValue(c.op) ? `${label} ${op} ${valueText(def, c.value ?? '', names)}` : `${label} ${op}`;
}

// ——— Actions ———

export const ACTIONS: { type: ActionType; label: string }[] = [
  { type: 'add_tag', label: 'Add a tag' },
  { type: 'remove_tag', label: 'Remove a tag' },
  { type: 'assign', label: 'Assign the conversation' },
  { type: 'set_status', label: 'Set the status' },
  { type: 'set_priority', label: 'Set the priority' },
  { type: 'send_reply', label: 'Send a reply' },
  { type: 'send_template', label: 'Send a template' },
  { type: 'add_note', label: 'Add an internal note' },
  { type: 'create_task', label: 'Create a task' },
  { type: 'notify', label: 'Notify a teammate' },
  { type: 'set_deal_stage', label: 'Move the deal to a stage' },
  { type: 'create_deal', label: 'Create a deal' },
  { type: 'call_webhook', label: 'Call a webhook' },
  { type: 'wait', label: 'Wait' },
];
/** An action type (or a run step's action) in words; unknown ones tidied up. */
export const actionLabel = (type: string) => ACTIONS.find((a) => a.type === type)?.label ?? capital(type.replace(/[._]/g, ' '));

/** One action in words ("Add the tag “lead”", "Assign round robin within Sales", "Wait 30 min"). */
export function actionText(a: Action, names: Names = {}): string {
  switch (a.type) {
    case 'add_tag':
      return `Add the tag ${quote(a.tag)}`;
    case 'remove_tag':
      return `Remove the tag ${quote(a.tag)}`;
    case 'assign':
      if (a.mode === 'user') return `Assign to ${a.userId ? nameOf(names.users, a.userId) : 'a person'}`;
      if (a.mode === 'team') return `Assign to the team ${a.teamId ? nameOf(names.teams, a.teamId) : ''}`.trim();
      return `Assign round robin within ${a.teamId ? nameOf(names.teams, a.teamId) : 'a team'}`;
    case 'set_status':
      return `Set the status to ${a.status}`;
    case 'set_priority':
      return `Set the priority to ${a.priority}`;
    case 'create_task': {
      const who = a.assignee === 'user' && a.userId ? nameOf(names.users, a.userId) : "the conversation's assignee";
      const due = a.dueInMinutes ? `, due in ${minutesText(a.dueInMinutes)}` : '';
      return `Create the task ${quote(a.title)} for ${who}${due}`;
    }
    case 'add_note':
      return `Add a note: ${quote(a.text)}`;
    case 'send_reply':
      return `Reply ${quote(a.text)}`;
    case 'send_template':
      return `Send the template ${quote(nameOf(names.templates, a.templateId))}`;
    case 'notify':
      return `Notify ${a.userId ? nameOf(names.users, a.userId) : "the conversation's assignee"}: ${quote(a.text)}`;
    case 'call_webhook':
      return `Call ${a.url}`;
    case 'set_deal_stage':
      return `Move the deal to ${quote(nameOf(names.stages, a.stageId))}`;
    case 'create_deal':
      return `Create the deal ${quote(a.title)} in ${nameOf(names.pipelines, a.pipelineId)} › ${nameOf(names.stages, a.stageId)}`;
    case 'wait':
      return a.stopIfAnswered ? `Wait ${minutesText(a.minutes)}; stop if we reply or resolve the chat meanwhile` : `Wait ${minutesText(a.minutes)}`;
    default:
      return actionLabel((a as { type: string }).type);
  }
}
