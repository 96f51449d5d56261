/**
 * Pure helpers for automation rules: triggers, conditions and actions in words, the rule form ↔ API shape,
 * validation (the same regex and cron parsers as the server), ready-made examples and the run log's chips.
 */
import { Cron } from 'croner';
import type { Badge } from '../templates/templates.models';
import type { Action, ActionType, Condition, ConditionOp, Rule, RuleInput, Run, RunState, Trigger, TriggerType } from './rules.api';

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
const quote = (s: string) => `“${s}”`;
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
const isInt = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
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
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
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
const CUSTOM_PREFIX = 'contact.custom.';
const CUSTOM_KEY = /^[a-z0-9_]{1,64}$/;

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
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

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
      return `Wait ${minutesText(a.minutes)}`;
    default:
      return actionLabel((a as { type: string }).type);
  }
}

// ——— The form ———

export interface TriggerDraft {
  type: TriggerType;
  firstMessageOnly: boolean;
  /** Comma-separated. */
  keywords: string;
  regex: string;
  tag: string;
  stageId: string;
  minutes: string;
  cron: string;
  timezone: string;
}

export interface ConditionDraft {
  field: string;
  op: ConditionOp;
  value: string;
}

/** One step of the form, whatever its type: switching type keeps what was typed in the fields they share. */
export interface ActionDraft {
  type: ActionType;
  tag: string;
  mode: 'user' | 'team' | 'round_robin';
  userId: string;
  teamId: string;
  status: 'open' | 'pending' | 'resolved';
  priority: 'normal' | 'urgent';
  title: string;
  dueInMinutes: string;
  assignee: 'conversation_assignee' | 'user';
  text: string;
  templateId: string;
  url: string;
  stageId: string;
  pipelineId: string;
  minutes: string;
}

export interface RuleDraft {
  name: string;
  trigger: TriggerDraft;
  match: 'all' | 'any';
  conditions: ConditionDraft[];
  actions: ActionDraft[];
  channelId: string;
  teamId: string;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** A fresh step of the given type (a round robin, a 30-minute wait and an open status unless changed). */
export function emptyAction(type: ActionType): ActionDraft {
  return { type, tag: '', mode: 'round_robin', userId: '', teamId: '', status: 'open', priority: 'urgent', title: '', dueInMinutes: '', assignee: 'conversation_assignee', text: '', templateId: '', url: '', stageId: '', pipelineId: '', minutes: type === 'wait' ? '30' : '' };
}

/** The form's row for a stored action. */
export function actionDraft(a: Action): ActionDraft {
  const d = emptyAction(a.type);
  const v = a as Partial<Record<keyof ActionDraft, unknown>>;
  return {
    ...d,
    ...(Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'type').map(([k, x]) => [k, str(x)])) as Partial<ActionDraft>),
    ...('mode' in a && { mode: a.mode }),
    ...('status' in a && { status: a.status }),
    ...('priority' in a && { priority: a.priority }),
    ...('assignee' in a && { assignee: a.assignee }),
  };
}

/** A new condition row: the first field with its first operator. */
export const emptyCondition = (): ConditionDraft => ({ field: 'contact.tag', op: 'eq', value: '' });

/** A row moved to another field: the field's first operator, a fresh value (yes for yes/no fields). */
export function conditionForField(field: string, custom: readonly CustomFieldLike[] = []): ConditionDraft {
  const def = fieldDef(field, custom);
  return { field, op: def?.ops[0] ?? 'eq', value: def?.kind === 'yesno' ? 'true' : '' };
}

/** The browser's own time zone (schedules default to it). */
export const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Form state for a stored rule, or a blank new one (schedules in `timezone`). */
export function ruleDraft(r: Pick<Rule, 'name' | 'trigger' | 'conditions' | 'actions' | 'scope'> | null, timezone = 'UTC'): RuleDraft {
  const t = r?.trigger;
  return {
    name: r?.name ?? '',
    trigger: {
      type: t?.type ?? 'message_received',
      firstMessageOnly: t?.firstMessageOnly ?? false,
      keywords: (t?.keywords ?? []).join(', '),
      regex: t?.regex ?? '',
      tag: t?.tag ?? '',
      stageId: t?.stageId ?? '',
      minutes: str(t?.minutes),
      cron: t?.cron ?? '',
      timezone: t?.timezone ?? timezone,
    },
    match: r?.conditions?.match ?? 'all',
    conditions: (r?.conditions?.items ?? []).map((c) => ({ field: c.field, op: c.op, value: c.value ?? '' })),
    actions: (r?.actions ?? []).map(actionDraft),
    channelId: r?.scope?.channelId ?? '',
    teamId: r?.scope?.teamId ?? '',
  };
}

/** "price, Preço ,, price" → ["price", "Preço"] (duplicates by folded text dropped). */
export function keywordList(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k && !seen.has(fold(k)) && !!seen.add(fold(k)));
}

const wholeMinutes = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);

/** The API's trigger for the form: only the options of its type, empty ones left out. */
export function triggerInput(d: TriggerDraft): Trigger {
  const minutes = wholeMinutes(d.minutes);
  switch (d.type) {
    case 'message_received':
      return { type: d.type, ...(d.firstMessageOnly && { firstMessageOnly: true }) };
    case 'keyword': {
      const keywords = keywordList(d.keywords);
      return { type: d.type, ...(keywords.length && { keywords }), ...(d.regex.trim() && { regex: d.regex }) };
    }
    case 'tag_added':
    case 'tag_removed':
      return { type: d.type, ...(d.tag.trim() && { tag: d.tag.trim() }) };
    case 'deal_stage_changed':
      return { type: d.type, ...(d.stageId && { stageId: d.stageId }) };
    case 'no_business_reply':
    case 'no_customer_reply':
      return { type: d.type, ...(minutes !== undefined && { minutes }) };
    case 'schedule':
      return { type: d.type, cron: d.cron.trim().replace(/\s+/g, ' '), ...(d.timezone.trim() && { timezone: d.timezone.trim() }) };
    default:
      return { type: d.type };
  }
}

/** The API's conditions: rows without a field dropped, values only where the operator reads one. */
export function conditionsInput(match: 'all' | 'any', rows: readonly ConditionDraft[]): { match: 'all' | 'any'; items: Condition[] } {
  return {
    match,
    items: rows
      .filter((c) => c.field)
      .map((c) => {
        const value = c.value.trim();
        const keep = opNeedsValue(c.op) || ((c.op === 'in_hours' || c.op === 'out_of_hours') && value);
        return { field: c.field, op: c.op, ...(keep && { value }) };
      }),
  };
}

/** The API's action for a form row: the fields of its type only. */
export function actionInput(d: ActionDraft): Action {
  const t = d.text.trim();
  switch (d.type) {
    case 'add_tag':
    case 'remove_tag':
      return { type: d.type, tag: d.tag.trim() };
    case 'assign':
      return d.mode === 'user' ? { type: 'assign', mode: 'user', userId: d.userId } : { type: 'assign', mode: d.mode, teamId: d.teamId };
    case 'set_status':
      return { type: 'set_status', status: d.status };
    case 'set_priority':
      return { type: 'set_priority', priority: d.priority };
    case 'create_task': {
      const due = wholeMinutes(d.dueInMinutes);
      return { type: 'create_task', title: d.title.trim(), ...(due !== undefined && { dueInMinutes: due }), assignee: d.assignee, ...(d.assignee === 'user' && { userId: d.userId }) };
    }
    case 'add_note':
    case 'send_reply':
      return { type: d.type, text: t };
    case 'send_template':
      return { type: 'send_template', templateId: d.templateId };
    case 'notify':
      return { type: 'notify', ...(d.userId && { userId: d.userId }), text: t };
    case 'call_webhook':
      return { type: 'call_webhook', url: d.url.trim() };
    case 'set_deal_stage':
      return { type: 'set_deal_stage', stageId: d.stageId };
    case 'create_deal':
      return { type: 'create_deal', pipelineId: d.pipelineId, stageId: d.stageId, title: d.title.trim() };
    case 'wait':
      return { type: 'wait', minutes: wholeMinutes(d.minutes) ?? 0 };
  }
}

/** The request body for the form (without `enabled`: turning a rule on and off is its own request). */
export function ruleInput(d: RuleDraft): RuleInput {
  return {
    name: d.name.trim(),
    trigger: triggerInput(d.trigger),
    conditions: conditionsInput(d.match, d.conditions),
    actions: d.actions.map(actionInput),
    scope: { ...(d.channelId && { channelId: d.channelId }), ...(d.teamId && { teamId: d.teamId }) },
  };
}

const minutesProblem = (text: string, max: number, optional = false): string | null => {
  if (optional && !text.trim()) return null;
  const n = wholeMinutes(text);
  return n === undefined || n < (optional ? 0 : 1) || n > max ? `a whole number of minutes, ${optional ? 0 : 1} to ${max}` : null;
};

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** What is wrong with a step, in words (null when it can be saved). */
export function actionProblem(d: ActionDraft): string | null {
  switch (d.type) {
    case 'add_tag':
    case 'remove_tag':
      if (!d.tag.trim()) return 'enter a tag';
      return d.tag.trim().length > LIMITS.tagLength ? `a tag has at most ${LIMITS.tagLength} characters` : null;
    case 'assign':
      if (d.mode === 'user') return d.userId ? null : 'choose a person';
      if (d.mode === 'round_robin') return d.teamId ? null : 'round robin needs a team';
      return d.teamId ? null : 'choose a team';
    case 'create_task':
      if (!d.title.trim()) return 'give the task a title';
      if (d.assignee === 'user' && !d.userId) return 'choose who gets the task';
      return minutesProblem(d.dueInMinutes, LIMITS.taskMinutes, true) && `due in: ${minutesProblem(d.dueInMinutes, LIMITS.taskMinutes, true)}`;
    case 'add_note':
    case 'send_reply':
    case 'notify':
      return d.text.trim() ? null : 'enter the text';
    case 'send_template':
      return d.templateId ? null : 'choose an approved template';
    case 'call_webhook':
      return isHttpUrl(d.url.trim()) ? null : 'enter a web address starting with https:// (or http://)';
    case 'set_deal_stage':
      return d.stageId ? null : 'choose a stage';
    case 'create_deal':
      if (!d.pipelineId || !d.stageId) return 'choose a pipeline and a stage';
      return d.title.trim() ? null : 'give the deal a title';
    case 'wait':
      return minutesProblem(d.minutes, LIMITS.minutes);
    default:
      return null;
  }
}

/** What is wrong with a condition row, in words (null when it can be saved). */
export function conditionProblem(c: ConditionDraft, custom: readonly CustomFieldLike[] = []): string | null {
  if (!c.field) return 'choose a field';
  const def = fieldDef(c.field, custom);
  if (!def) return 'unknown field';
  if (c.field.startsWith(CUSTOM_PREFIX) && !CUSTOM_KEY.test(c.field.slice(CUSTOM_PREFIX.length))) return 'unknown custom field';
  if (!def.ops.includes(c.op)) return `choose a condition for ${def.label}`;
  if (opNeedsValue(c.op) && !c.value.trim()) return 'enter a value';
  if (def.kind === 'number' && opNeedsValue(c.op) && !Number.isFinite(Number(c.value.trim()))) return 'enter a number';
  return null;
}

/** What is wrong with the trigger, in words. */
export function triggerProblems(d: TriggerDraft): string[] {
  const out: string[] = [];
  if (d.type === 'keyword') {
    const keywords = keywordList(d.keywords);
    if (!keywords.length && !d.regex.trim()) out.push('When: enter at least one keyword (or a pattern).');
    if (keywords.length > LIMITS.keywords) out.push(`When: at most ${LIMITS.keywords} keywords.`);
    const long = keywords.find((k) => k.length > LIMITS.keywordLength);
    if (long) out.push(`When: the keyword ${quote(long.slice(0, 20) + '…')} is longer than ${LIMITS.keywordLength} characters.`);
    const bad = d.regex.trim() ? regexProblem(d.regex) : null;
    if (bad) out.push(`When: the pattern is not valid (${bad}).`);
  }
  if (d.type === 'no_business_reply' || d.type === 'no_customer_reply') {
    const p = minutesProblem(d.minutes, LIMITS.minutes);
    if (p) out.push(`When: waiting time, ${p}.`);
  }
  if (d.type === 'schedule') {
    if (!isTimeZone(d.timezone.trim())) out.push(`When: ${d.timezone.trim() ? `unknown time zone ${quote(d.timezone.trim())}` : 'choose a time zone'}.`);
    const cron = checkCron(d.cron, d.timezone.trim());
    if ('error' in cron) out.push(`When: the schedule is not valid (${cron.error}).`);
  }
  return out;
}

/** Everything wrong with the form, in words (empty when it can be saved). */
export function validateRule(d: RuleDraft, custom: readonly CustomFieldLike[] = []): string[] {
  const out: string[] = [];
  if (!d.name.trim()) out.push('Give the rule a name.');
  out.push(...triggerProblems(d.trigger));
  if (d.conditions.length > LIMITS.conditions) out.push(`Only if: at most ${LIMITS.conditions} conditions.`);
  d.conditions.forEach((c, i) => {
    const p = conditionProblem(c, custom);
    if (p) out.push(`Condition ${i + 1}: ${p}.`);
  });
  if (!d.actions.length) out.push('Do: add at least one action.');
  if (d.actions.length > LIMITS.actions) out.push(`Do: at most ${LIMITS.actions} actions.`);
  d.actions.forEach((a, i) => {
    const p = actionProblem(a);
    if (p) out.push(`Step ${i + 1} (${actionLabel(a.type)}): ${p}.`);
  });
  if (d.actions.length && d.actions.every((a) => a.type === 'wait')) out.push('Do: a rule that only waits does nothing; add an action after the wait.');
  return out;
}

const TRIGGER_FIELDS: Record<string, string> = { keywords: 'keywords', regex: 'pattern', minutes: 'waiting time', cron: 'schedule', timezone: 'time zone', stageId: 'stage', tag: 'tag', type: 'trigger' };

/**
 * The server's 400 message with its field path in the form's words: "trigger.regex: invalid …" →
 * "When (pattern): invalid …", "actions.1.teamId: …" → "Step 2 (teamId): …", "conditions.items.0.value" → "Condition 1 (value)".
 */
export function explainError(message: string): string {
  const m = message.match(/^([\w.]+):\s*(.*)$/s);
  if (!m) return message;
  const [, path, rest] = m as unknown as [string, string, string];
  const parts = path.split('.');
  const detail = (p: string | undefined) => (p ? ` (${p})` : '');
  if (parts[0] === 'trigger') return `When${detail(TRIGGER_FIELDS[parts[1] ?? ''] ?? parts[1])}: ${rest}`;
  if (parts[0] === 'actions' && isInt(parts[1])) return `Step ${Number(parts[1]) + 1}${detail(parts[2])}: ${rest}`;
  if (parts[0] === 'actions') return `Do: ${rest}`;
  if (parts[0] === 'conditions' && parts[1] === 'items' && isInt(parts[2])) return `Condition ${Number(parts[2]) + 1}${detail(parts[3])}: ${rest}`;
  if (parts[0] === 'conditions') return `Only if: ${rest}`;
  if (parts[0] === 'scope') return `Applies to${detail(parts[1])}: ${rest}`;
  if (parts[0] === 'name') return `Name: ${rest}`;
  return message;
}

/** A list with one item moved from `from` to `to` (out-of-range moves leave it as it was). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return [...list];
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item as T);
  return out;
}

// ——— Examples ———

/** What an example may be filled with: the first team, a manager (an owner or admin), the viewer's time zone. */
export interface ExampleContext {
  teamId?: string;
  managerId?: string;
  timezone?: string;
}

export interface RuleExample {
  id: string;
  label: string;
  description: string;
  draft: (ctx: ExampleContext) => RuleDraft;
}

const act = (type: ActionType, patch: Partial<ActionDraft>): ActionDraft => ({ ...emptyAction(type), ...patch });

/** Ready-made rules to start from: the form is filled, nothing is saved until Save. */
export const EXAMPLES: RuleExample[] = [
  {
    id: 'lead-router',
    label: 'Lead router',
    description: 'A message mentions “price”: tag the contact as a lead and hand the chat to the next person in a team.',
    draft: (ctx) => {
      const base = ruleDraft(null, ctx.timezone);
      return {
        ...base,
        name: 'Lead router',
        trigger: { ...base.trigger, type: 'keyword', keywords: 'price' },
        actions: [act('add_tag', { tag: 'lead' }), act('assign', { mode: 'round_robin', teamId: ctx.teamId ?? '' })],
      };
    },
  },
  {
    id: 'unanswered',
    label: 'Unanswered customer → task',
    description: 'A customer waited 30 minutes without a reply: a task for a manager to step in.',
    draft: (ctx) => {
      const base = ruleDraft(null, ctx.timezone);
      return {
        ...base,
        name: 'Unanswered customer',
        trigger: { ...base.trigger, type: 'no_business_reply', minutes: '30' },
        actions: [act('create_task', { title: 'Customer waiting 30 min for a reply', dueInMinutes: '15', assignee: ctx.managerId ? 'user' : 'conversation_assignee', userId: ctx.managerId ?? '' })],
      };
    },
  },
];

// ——— List and run log ———

const RUN_STATES: Record<RunState, Badge> = {
  pending: { label: 'Pending', tone: 'info' },
  waiting: { label: 'Waiting', tone: 'info' },
  done: { label: 'Done', tone: 'ok' },
  skipped: { label: 'Skipped', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'bad' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
};
/** A run's state as a chip. */
export const runStateBadge = (s: RunState | string): Badge => RUN_STATES[s as RunState] ?? { label: capital(s), tone: 'neutral' };

const STEP_TONES: Record<string, Badge['tone']> = { done: 'ok', skipped: 'warn', failed: 'bad' };
/** A step's outcome as a chip ("Done" green, "Skipped" amber, "Failed" red). */
export const stepBadge = (status: string): Badge => ({ label: capital(status), tone: STEP_TONES[status] ?? 'neutral' });

/** Whether the run's conditions held, in words. */
export function conditionsResult(r: Pick<Run, 'conditionsMatched' | 'state'>): { label: string; tone: Badge['tone'] } {
  if (r.conditionsMatched === true) return { label: 'Conditions met', tone: 'ok' };
  if (r.conditionsMatched === false) return { label: 'Conditions not met', tone: 'neutral' };
  return { label: r.state === 'pending' ? 'Not checked yet' : 'Not checked', tone: 'neutral' };
}

const EVENTS: Record<string, string> = {
  'message.received': 'Message received',
  'message.sent': 'Message sent',
  'conversation.created': 'Conversation started',
  'conversation.assigned': 'Conversation assigned',
  'conversation.resolved': 'Conversation resolved',
  'contact.updated': 'Contact updated',
  'contact.tag_added': 'Tag added',
  'contact.tag_removed': 'Tag removed',
  'deal.stage_changed': 'Deal stage changed',
  'deal.payment_status_changed': 'Payment status changed',
  'task.due': 'Task due',
  schedule: 'Scheduled time',
};
/** An event type in words ("message.received" → "Message received"); unknown ones tidied up. */
export const eventLabel = (type: string) => EVENTS[type] ?? capital(type.replace(/[._]/g, ' '));

/** How long ago, briefly: "just now", "5 min ago", "3 h ago", "2 days ago"; "never" for none. */
export function agoText(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const mins = Math.floor((now - Date.parse(iso)) / 60_000);
  if (!Number.isFinite(mins)) return 'never';
  if (mins < 1) return 'just now';
  if (mins < 60) return `${mins} min ago`;
  const hours = Math.floor(mins / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** A rule in the list: its trigger and steps in words, and chips for a flagged error and a built-in rule. */
export function ruleSummary(r: Pick<Rule, 'trigger' | 'actions' | 'flaggedError' | 'builtIn'>, names: Names = {}): { when: string; then: string; badges: Badge[] } {
  const badges: Badge[] = [];
  if (r.flaggedError) badges.push({ label: 'Needs attention', tone: 'bad' });
  if (r.builtIn) badges.push({ label: 'Built-in', tone: 'info' });
  return { when: triggerText(r.trigger, names), then: r.actions.map((a) => actionText(a, names)).join(' → '), badges };
}
