import { api, apiPage } from '../../lib/api/client';

export type TriggerType =
  | 'message_received'
  | 'keyword'
  | 'conversation_created'
  | 'conversation_assigned'
  | 'conversation_resolved'
  | 'deal_stage_changed'
  | 'tag_added'
  | 'tag_removed'
  | 'contact_updated'
  | 'no_business_reply'
  | 'no_customer_reply'
  | 'task_due'
  | 'payment_status_changed'
  | 'schedule';

/** What starts a rule; only the options of its type are read. */
export interface Trigger {
  type: TriggerType;
  /** message_received: only a conversation's first message. */
  firstMessageOnly?: boolean;
  /** keyword: whole words, case- and accent-insensitive. */
  keywords?: string[];
  /** keyword: a regular expression (case-insensitive), instead of or besides keywords. */
  regex?: string;
  /** tag_added / tag_removed: only this tag (any when left out). */
  tag?: string;
  /** deal_stage_changed: only into this stage (any when left out). */
  stageId?: string;
  /** no_business_reply / no_customer_reply: how long without an answer. */
  minutes?: number;
  /** schedule: a cron expression read in `timezone`. */
  cron?: string;
  timezone?: string;
}

export type ConditionOp = 'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'set' | 'unset' | 'in_hours' | 'out_of_hours';

/** `field` is one of the fixed fields, or `contact.custom.<key>`. */
export interface Condition {
  field: string;
  op: ConditionOp;
  value?: string;
}

export interface Conditions {
  match: 'all' | 'any';
  items: Condition[];
}

export type Action =
  | { type: 'add_tag'; tag: string }
  | { type: 'remove_tag'; tag: string }
  | { type: 'assign'; mode: 'user' | 'team' | 'round_robin'; userId?: string; teamId?: string }
  | { type: 'set_status'; status: 'open' | 'pending' | 'resolved' }
  | { type: 'set_priority'; priority: 'low' | 'normal' | 'high' | 'urgent' }
  | { type: 'create_task'; title: string; dueInMinutes?: number; assignee: 'conversation_assignee' | 'user'; userId?: string }
  | { type: 'add_note'; text: string }
  | { type: 'send_reply'; text: string }
  | { type: 'send_template'; templateId: string }
  | { type: 'notify'; userId?: string; text: string }
  | { type: 'call_webhook'; url: string }
  | { type: 'set_deal_stage'; stageId: string }
  | { type: 'create_deal'; pipelineId: string; stageId: string; title: string }
  | { type: 'wait'; minutes: number; stopIfAnswered?: boolean };
export type ActionType = Action['type'];

/** Which conversations a rule looks at (everything when empty). */
export interface Scope {
  channelId?: string;
  teamId?: string;
}

export interface RuleInput {
  name: string;
  enabled?: boolean;
  trigger: Trigger;
  conditions?: Conditions;
  actions: Action[];
  scope?: Scope;
}

export interface Rule extends RuleInput {
  id: string;
  enabled: boolean;
  /** Why the server stopped trusting the rule (a deleted team, a failing webhook…); null when fine. */
  flaggedError: string | null;
  /** Set on rules Parley ships (the name of the built-in behaviour); null for rules people wrote. */
  builtIn: string | null;
  createdAt: string;
  updatedAt: string;
  lastRunAt: string | null;
  runs24h: number;
}

export type RunState = 'pending' | 'waiting' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface RunStep {
  action: string;
  status: 'done' | 'skipped' | 'failed';
  detail: string | null;
  at: string;
}

/** One firing of a rule: the event, whether its conditions held and what each action did. */
export interface Run {
  id: string;
  eventType: string;
  state: RunState;
  /** null while not evaluated yet. */
  conditionsMatched: boolean | null;
  steps: RunStep[];
  error: string | null;
  conversationId: string | null;
  contactId: string | null;
  createdAt: string;
  updatedAt: string;
  /** >1 on a "conditions not met" line: that many events of the conversation in one hour, the last at updatedAt. */
  eventCount: number;
}

const id = encodeURIComponent;

export const fetchRules = () => api<Rule[]>('/rules');
export const fetchRule = (ruleId: string) => api<Rule>(`/rules/${id(ruleId)}`);
export const createRule = (body: RuleInput) => api<Rule>('/rules', { method: 'POST', body });
export const updateRule = (ruleId: string, body: Partial<RuleInput>) => api<Rule>(`/rules/${id(ruleId)}`, { method: 'PATCH', body });
export const deleteRule = (ruleId: string) => api<void>(`/rules/${id(ruleId)}`, { method: 'DELETE' });
/** One page of a rule's runs, newest first; pass the previous page's `nextCursor` for older ones. */
export const fetchRuns = (ruleId: string, cursor?: string | null) => apiPage<Run>(`/rules/${id(ruleId)}/runs${cursor ? `?cursor=${id(cursor)}` : ''}`);
