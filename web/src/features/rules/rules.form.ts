/** The rule form's state and its request bodies (form ↔ API shape). */
import type { Action, ActionType, Condition, ConditionOp, Rule, RuleInput, Trigger, TriggerType } from './rules.api';
import { CustomFieldLike, fieldDef, fold, opNeedsValue } from './rules.text';

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
  priority: 'low' | 'normal' | 'high' | 'urgent';
  title: string;
  dueInMinutes: string;
  assignee: 'conversation_assignee' | 'user';
  text: string;
  templateId: string;
  url: string;
  stageId: string;
  pipelineId: string;
  minutes: string;
  /** A wait: the run stops there if the business replied (or resolved the chat) meanwhile. */
  stopIfAnswered: boolean;
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
  return { type, tag: '', mode: 'round_robin', userId: '', teamId: '', status: 'open', priority: 'urgent', title: '', dueInMinutes: '', assignee: 'conversation_assignee', text: '', templateId: '', url: '', stageId: '', pipelineId: '', minutes: type === 'wait' ? '30' : '', stopIfAnswered: false };
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
    ...(a.type === 'wait' && { stopIfAnswered: a.stopIfAnswered === true }),
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
      return { type: 'wait', minutes: wholeMinutes(d.minutes) ?? 0, ...(d.stopIfAnswered && { stopIfAnswered: true }) };
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

export const minutesProblem = (text: string, max: number, optional = false): string | null => {
  if (optional && !text.trim()) return null;
  const n = wholeMinutes(text);
  return n === undefined || n < (optional ? 0 : 1) || n > max ? `a whole number of minutes, ${optional ? 0 : 1} to ${max}` : null;
};

export function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}
