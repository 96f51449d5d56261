import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { inTransaction } from '../../db/client.js';
import { deals, pipelines, pipelineStages, STAGE_OUTCOMES } from '../../db/schema/pipelines.js';
import { actorOf, recordAudit } from '../audit/audit.js';
import { currentAuth, requireAuth, requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { badRequest, conflict, notFound } from '../lib/errors.js';
import { readJson, type AppEnv } from '../lib/http.js';
import { newId } from '../lib/ids.js';
import { dealScope, dealScopeWhere } from './deals.repository.js';
import { stageListError } from './pipelines.models.js';
import { ensureDefaultPipeline, getPipeline, insertPipeline, listPipelines, listStages, pipelineToJson, stageStats, type PipelineRow } from './pipelines.repository.js';

const name = z.string().trim().min(1, 'is required').max(80);
const createBody = z.object({
  name,
  stages: z.array(z.object({ name, outcome: z.enum(STAGE_OUTCOMES).default('open') })).min(1, 'needs at least one stage').max(50),
});
const patchBody = z
  .object({
    name: name.optional(),
    /** The full new list, in order: existing stages by id (renamed, reordered), new ones without id, missing ones removed. */
    stages: z.array(z.object({ id: z.string().trim().min(1).max(100).optional(), name, outcome: z.enum(STAGE_OUTCOMES).optional() })).max(50).optional(),
  })
  .refine((b) => b.name !== undefined || b.stages !== undefined, 'give name or stages');

/** Pipelines and their stages: everyone reads them (with per-stage deal counts and totals), owners/admins shape them. */
export function createPipelinesRoutes(deps: AppDeps) {
  const { db, clock } = deps;
  const admins = requireRole('owner', 'admin');
  const find = (id: string) => {
    const p = getPipeline(db, id);
    if (!p) throw notFound('pipelines.not_found', 'No such pipeline.');
    return p;
  };
  const view = (p: PipelineRow) => ({ name: p.name, stages: listStages(db, p.id).map((s) => ({ id: s.id, name: s.name, outcome: s.outcome })) });
  const nameTaken = (value: string, exceptId?: string) =>
    !!db
      .select({ id: pipelines.id })
      .from(pipelines)
      .where(and(sql`lower(${pipelines.name}) = lower(${value})`, exceptId ? ne(pipelines.id, exceptId) : undefined))
      .get();
  const exists = (value: string) => conflict('pipelines.exists', `A pipeline named ${value} exists.`);

  return new Hono<AppEnv>()
    .get('/pipelines', requireAuth, (c) => {
      ensureDefaultPipeline(db, clock.now());
      const stages = listStages(db);
      const stats = stageStats(db, dealScopeWhere(db, dealScope(db, currentAuth(c))));
      return c.json({ data: listPipelines(db).map((p) => pipelineToJson(p, stages.filter((s) => s.pipelineId === p.id), stats)) });
    })
    .get('/pipelines/:id', requireAuth, (c) => {
      const p = find(c.req.param('id'));
      return c.json({ data: pipelineToJson(p, listStages(db, p.id), stageStats(db, dealScopeWhere(db, dealScope(db, currentAuth(c))))) });
    })
    .post('/pipelines', admins, async (c) => {
      const body = await readJson(c, createBody);
      const problem = stageListError(body.stages);
      if (problem) throw badRequest('request.invalid', `stages: ${problem}`);
      const now = clock.now();
      const row = inTransaction(db, () => {
        if (nameTaken(body.name)) throw exists(body.name);
        const p = insertPipeline(db, body, now);
        recordAudit(db, actorOf(c.get('auth')), { action: 'pipeline.created', entityType: 'pipeline', entityId: p.id, after: view(p) }, now);
        return p;
      });
      return c.json({ data: pipelineToJson(row, listStages(db, row.id), new Map()) }, 201);
    })
    .patch('/pipelines/:id', admins, async (c) => {
      const body = await readJson(c, patchBody);
      const now = clock.now();
      const p = inTransaction(db, () => {
        const p = find(c.req.param('id'));
        const before = view(p);
        if (body.name !== undefined && body.name !== p.name) {
          if (nameTaken(body.name, p.id)) throw exists(body.name);
          db.update(pipelines).set({ name: body.name }).where(eq(pipelines.id, p.id)).run();
        }
        if (body.stages) replaceStages(p.id, body.stages, now);
        db.update(pipelines).set({ updatedAt: now }).where(eq(pipelines.id, p.id)).run();
        const after = find(p.id);
        recordAudit(db, actorOf(c.get('auth')), { action: 'pipeline.updated', entityType: 'pipeline', entityId: p.id, before, after: view(after) }, now);
        return after;
      });
      return c.json({ data: pipelineToJson(p, listStages(db, p.id), stageStats(db, dealScopeWhere(db, dealScope(db, currentAuth(c))))) });
    })
    .delete('/pipelines/:id', admins, (c) => {
      const now = clock.now();
      inTransaction(db, () => {
        const p = find(c.req.param('id'));
        if (db.select({ id: deals.id }).from(deals).where(eq(deals.pipelineId, p.id)).limit(1).get()) {
          throw conflict('pipelines.in_use', 'This pipeline still has deals; move or delete them first.');
        }
        if (listPipelines(db).length === 1) throw conflict('pipelines.last_pipeline', 'This is the only pipeline; create another one before deleting it.');
        const before = view(p);
        db.delete(pipelines).where(eq(pipelines.id, p.id)).run(); // stages cascade
        recordAudit(db, actorOf(c.get('auth')), { action: 'pipeline.deleted', entityType: 'pipeline', entityId: p.id, before }, now);
      });
      return c.body(null, 204);
    });

  /**
   * Makes `given` the pipeline's stage list (inside the caller's transaction). A stage left out is
   * removed, unless deals are still in it (409 `pipelines.stage_in_use`). Changing a stage's outcome
   * keeps its deals' closedAt in step (closed on entering won/lost, reopened on becoming open).
   */
  function replaceStages(pipelineId: string, given: { id?: string; name: string; outcome?: (typeof STAGE_OUTCOMES)[number] }[], now: number) {
    const existing = new Map(listStages(db, pipelineId).map((s) => [s.id, s]));
    const seen = new Set<string>();
    given.forEach((s, i) => {
      if (s.id === undefined) return;
      if (!existing.has(s.id)) throw badRequest('request.invalid', `stages.${i}.id: no such stage in this pipeline`);
      if (seen.has(s.id)) throw badRequest('request.invalid', `stages.${i}.id: listed twice`);
      seen.add(s.id);
    });
    const stages = given.map((s) => ({ ...s, outcome: s.outcome ?? (s.id ? existing.get(s.id)!.outcome : 'open') }));
    const problem = stageListError(stages);
    if (problem) throw badRequest('request.invalid', `stages: ${problem}`);
    const removed = [...existing.values()].filter((s) => !seen.has(s.id));
    if (removed.length) {
      const busy = db.select({ stageId: deals.stageId }).from(deals).where(inArray(deals.stageId, removed.map((s) => s.id))).limit(1).get();
      if (busy) throw conflict('pipelines.stage_in_use', `The stage ${existing.get(busy.stageId)!.name} still holds deals; move them before removing it.`);
      db.delete(pipelineStages).where(inArray(pipelineStages.id, removed.map((s) => s.id))).run();
    }
    stages.forEach((s, position) => {
      if (!s.id) {
        db.insert(pipelineStages).values({ id: newId('stg'), pipelineId, name: s.name, outcome: s.outcome, position, createdAt: now }).run();
        return;
      }
      const old = existing.get(s.id)!;
      db.update(pipelineStages).set({ name: s.name, outcome: s.outcome, position }).where(eq(pipelineStages.id, s.id)).run();
      if (old.outcome !== s.outcome && s.outcome === 'open') db.update(deals).set({ closedAt: null, updatedAt: now }).where(eq(deals.stageId, s.id)).run();
      if (old.outcome === 'open' && s.outcome !== 'open') db.update(deals).set({ closedAt: now, updatedAt: now }).where(and(eq(deals.stageId, s.id), isNull(deals.closedAt))).run();
    });
  }
}
