import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { ruleRuns, rules } from '../../db/schema/rules.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { currentAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { notFound } from '../lib/errors.js';
import { readJson, readQuery, type AppEnv } from '../lib/http.js';
import { newId } from '../lib/ids.js';
import { getRule, listRules, ruleToJson, type RuleRow } from './rules.repository.js';
import { patchRuleBody, ruleBody } from './rules.schemas.js';

const runsQuery = z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

/** Automation rules (owners and admins) and each rule's run log. */
export function createRulesRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const admins = requireRole('owner', 'admin');
  const find = (c: Context<AppEnv>): RuleRow => {
    const rule = getRule(db, c.req.param('id')!);
    if (!rule) throw notFound('rules.not_found', 'No such rule.');
    return rule;
  };
  const json = (r: RuleRow) => ruleToJson(db, r, clock.now());
  return new Hono<AppEnv>()
    .get('/rules', admins, (c) => c.json({ data: listRules(db).map(json) }))
    .post('/rules', admins, async (c) => {
      const body = await readJson(c, ruleBody);
      const now = clock.now();
      const row: RuleRow = {
        id: newId('rule'),
        name: body.name,
        enabled: body.enabled,
        trigger: JSON.stringify(body.trigger),
        conditions: JSON.stringify(body.conditions),
        actions: JSON.stringify(body.actions),
        scope: JSON.stringify(body.scope),
        flaggedError: null,
        builtIn: null,
        position: listRules(db).length,
        createdBy: currentAuth(c).user.id,
        createdAt: now,
        updatedAt: now,
      };
      inTransaction(db, () => {
        db.insert(rules).values(row).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'rule.created', entityType: 'rule', entityId: row.id, after: body }, now);
      });
      deps.rules.invalidate();
      return c.json({ data: json(row) }, 201);
    })
    .get('/rules/:id', admins, (c) => c.json({ data: json(find(c)) }))
    .patch('/rules/:id', admins, async (c) => {
      const rule = find(c);
      const body = await readJson(c, patchRuleBody);
      const now = clock.now();
      const patch: Partial<RuleRow> = { updatedAt: now, flaggedError: null };
      if (body.name !== undefined) patch.name = body.name;
      if (body.enabled !== undefined) patch.enabled = body.enabled;
      for (const key of ['trigger', 'conditions', 'actions', 'scope'] as const) if (body[key] !== undefined) patch[key] = JSON.stringify(body[key]);
      inTransaction(db, () => {
        db.update(rules).set(patch).where(eq(rules.id, rule.id)).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'rule.updated', entityType: 'rule', entityId: rule.id, before: { enabled: rule.enabled, name: rule.name }, after: body }, now);
      });
      deps.rules.invalidate();
      return c.json({ data: json(getRule(db, rule.id)!) });
    })
    .delete('/rules/:id', admins, (c) => {
      const rule = find(c);
      const now = clock.now();
      inTransaction(db, () => {
        db.delete(rules).where(eq(rules.id, rule.id)).run();
        recordAudit(db, actorOf(c.get('auth')), { action: 'rule.deleted', entityType: 'rule', entityId: rule.id, before: { name: rule.name } }, now);
      });
      deps.rules.invalidate();
      return c.body(null, 204);
    })
    .get('/rules/:id/runs', admins, (c) => {
      const rule = find(c);
      const q = readQuery(c, runsQuery);
      const before = q.cursor && /^\d+$/.test(q.cursor) ? Number(q.cursor) : Number.MAX_SAFE_INTEGER;
      const rows = db.$client
        .prepare(`SELECT rowid AS seq, * FROM rule_runs WHERE rule_id = ? AND rowid < ? ORDER BY rowid DESC LIMIT ?`)
        .all(rule.id, before, q.limit + 1) as (typeof ruleRuns.$inferSelect & { seq: number; event_type: string; conversation_id: string | null; contact_id: string | null; conditions_matched: number | null; created_at: number; updated_at: number; event_count: number })[];
      const more = rows.length > q.limit;
      const items = rows.slice(0, q.limit);
      return c.json({
        data: items.map((r) => ({
          id: r.id,
          eventType: r.event_type,
          state: r.state,
          conditionsMatched: r.conditions_matched === null ? null : r.conditions_matched === 1,
          steps: JSON.parse(r.log) as unknown[],
          error: r.error,
          conversationId: r.conversation_id,
          contactId: r.contact_id,
          createdAt: toIso(r.created_at),
          updatedAt: toIso(r.updated_at),
          // >1: "conditions not met" for this many events of the conversation in that hour (the last at updatedAt).
          eventCount: r.event_count,
        })),
        nextCursor: more ? String(items.at(-1)!.seq) : null,
      });
    });
}

