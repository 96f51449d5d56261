/** What is wrong with a rule form, row by row, before the server says it; examples and run-log chips. */
import type { Badge } from '../templates/templates.models';
import type { ActionType, Condition, Rule, Run, RunState } from './rules.api';
import { CUSTOM_KEY, CUSTOM_PREFIX, CustomFieldLike, LIMITS, Names, actionLabel, actionText, capital, checkCron, fieldDef, isInt, isTimeZone, opNeedsValue, quote, regexProblem, triggerText } from './rules.text';
import { ActionDraft, ConditionDraft, RuleDraft, TriggerDraft, emptyAction, isHttpUrl, keywordList, minutesProblem, ruleDraft } from './rules.form';


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
    description: 'A new lead mentions “price”: tag them, hand the chat to the next person in a team, and if nobody answers within 30 minutes, a task for a manager. Once per lead.',
    draft: (ctx) => {
      const base = ruleDraft(null, ctx.timezone);
      return {
        ...base,
        name: 'Lead router',
        trigger: { ...base.trigger, type: 'keyword', keywords: 'price' },
        // "New": not tagged a lead yet — the rule's own first step tags them, so it runs once per lead.
        conditions: [{ field: 'contact.tag', op: 'neq', value: 'lead' }],
        actions: [
          act('add_tag', { tag: 'lead' }),
          act('assign', { mode: 'round_robin', teamId: ctx.teamId ?? '' }),
          act('wait', { minutes: '30', stopIfAnswered: true }),
          act('create_task', { title: 'New lead waiting 30 min for an answer', dueInMinutes: '15', assignee: ctx.managerId ? 'user' : 'conversation_assignee', userId: ctx.managerId ?? '' }),
        ],
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

/**
 * A step's detail for people: ids of teammates, teams, stages… become their names ("assigned to usr_…" →
 * "assigned to Ana"); a detail that is only an id nobody can read (the task or message created) is left out.
 */
export function stepDetailText(detail: string | null, names: Names): string {
  if (!detail) return '';
  const maps = [names.users, names.teams, names.stages, names.pipelines, names.templates, names.channels];
  const ID = /\b[a-z]+_[a-z2-7]{16}\b/g;
  if (detail.trim().replace(ID, '') === '' && !maps.some((m) => m?.has(detail.trim()))) return '';
  return detail.replace(ID, (id) => maps.map((m) => m?.get(id)).find((n) => n !== undefined) ?? id);
}

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
