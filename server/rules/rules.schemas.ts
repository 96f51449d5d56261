import { Cron } from 'croner';
import { z } from 'zod';

export const TRIGGER_TYPES = [
  'message_received',
  'keyword',
  'conversation_created',
  'conversation_assigned',
  'conversation_resolved',
  'deal_stage_changed',
  'tag_added',
  'tag_removed',
  'contact_updated',
  'no_business_reply',
  'no_customer_reply',
  'task_due',
  'payment_status_changed',
  'schedule',
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

const validRegex = (v: string) => {
  try {
    new RegExp(v, 'iu');
    return true;
  } catch {
    return false;
  }
};
const validCron = (v: string, timezone?: string) => {
  try {
    new Cron(v, { paused: true, timezone });
    return true;
  } catch {
    return false;
  }
};
const validZone = (v: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
};

export const triggerSchema = z
  .object({
    type: z.enum(TRIGGER_TYPES),
    firstMessageOnly: z.boolean().optional(),
    keywords: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
    regex: z.string().min(1).max(500).refine(validRegex, 'invalid regular expression').optional(),
    tag: z.string().trim().min(1).max(64).optional(),
    stageId: z.string().min(1).max(64).optional(),
    minutes: z.number().int().min(1).max(60 * 24 * 30).optional(),
    cron: z.string().min(1).max(100).optional(),
    timezone: z.string().min(1).max(64).refine(validZone, 'unknown time zone').optional(),
  })
  .superRefine((t, ctx) => {
    if (t.type === 'keyword' && !t.keywords?.length && !t.regex) ctx.addIssue({ code: 'custom', path: ['keywords'], message: 'give keywords or a regex' });
    if ((t.type === 'no_business_reply' || t.type === 'no_customer_reply') && !t.minutes) ctx.addIssue({ code: 'custom', path: ['minutes'], message: 'is required' });
    if (t.type === 'schedule' && !t.cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'is required' });
    if (t.cron && !validCron(t.cron, t.timezone)) ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron expression "${t.cron}"` });
  });
export type Trigger = z.infer<typeof triggerSchema>;

export const CONDITION_OPS = ['eq', 'neq', 'contains', 'gt', 'lt', 'set', 'unset', 'in_hours', 'out_of_hours'] as const;
export const conditionSchema = z.object({
  field: z.string().regex(/^(contact\.(tag|language|name|optedOut|custom\.[a-z0-9_]{1,64})|conversation\.(status|assigneeId|teamId|priority|windowOpen)|message\.text|deal\.(stageId|amount)|businessHours)$/, 'unknown field'),
  op: z.enum(CONDITION_OPS),
  value: z.string().max(500).optional(),
});
export const conditionsSchema = z.object({ match: z.enum(['all', 'any']).default('all'), items: z.array(conditionSchema).max(20).default([]) });
export type Condition = z.infer<typeof conditionSchema>;
export type Conditions = z.infer<typeof conditionsSchema>;

const id = z.string().min(1).max(64);
export const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('add_tag'), tag: z.string().trim().min(1).max(64) }),
  z.object({ type: z.literal('remove_tag'), tag: z.string().trim().min(1).max(64) }),
  z
    .object({ type: z.literal('assign'), mode: z.enum(['user', 'team', 'round_robin']), userId: id.optional(), teamId: id.optional() })
    .refine((a) => (a.mode === 'user' ? !!a.userId : !!a.teamId), { message: 'assign: user mode needs userId, team and round_robin need teamId' }),
  z.object({ type: z.literal('set_status'), status: z.enum(['open', 'pending', 'resolved']) }),
  z.object({ type: z.literal('set_priority'), priority: z.enum(['low', 'normal', 'high', 'urgent']) }), // every conversation priority
  z.object({ type: z.literal('create_task'), title: z.string().trim().min(1).max(200), dueInMinutes: z.number().int().min(0).max(60 * 24 * 365).optional(), assignee: z.enum(['conversation_assignee', 'user']).default('conversation_assignee'), userId: id.optional() }),
  z.object({ type: z.literal('add_note'), text: z.string().trim().min(1).max(4000) }),
  z.object({ type: z.literal('send_reply'), text: z.string().trim().min(1).max(4096) }),
  z.object({ type: z.literal('send_template'), templateId: id }),
  z.object({ type: z.literal('notify'), userId: id.optional(), text: z.string().trim().min(1).max(500) }),
  z.object({ type: z.literal('call_webhook'), url: z.url({ protocol: /^https?$/ }) }),
  z.object({ type: z.literal('set_deal_stage'), stageId: id }),
  z.object({ type: z.literal('create_deal'), pipelineId: id, stageId: id, title: z.string().trim().min(1).max(200) }),
  // stopIfAnswered: the run ends at the end of the wait if the business replied (or resolved the chat) meanwhile.
  z.object({ type: z.literal('wait'), minutes: z.number().int().min(1).max(60 * 24 * 30), stopIfAnswered: z.boolean().optional() }),
]);
export type Action = z.infer<typeof actionSchema>;

export const scopeSchema = z.object({ channelId: id.optional(), teamId: id.optional() }).default({});

export const ruleBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  enabled: z.boolean().default(false),
  trigger: triggerSchema,
  conditions: conditionsSchema.default({ match: 'all', items: [] }),
  actions: z.array(actionSchema).min(1, 'give at least one action').max(20),
  scope: scopeSchema,
});
export const patchRuleBody = z
  .object({ name: ruleBody.shape.name.optional(), enabled: z.boolean().optional(), trigger: triggerSchema.optional(), conditions: conditionsSchema.optional(), actions: ruleBody.shape.actions.optional(), scope: scopeSchema.optional() })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field');
export type RuleInput = z.infer<typeof ruleBody>;
