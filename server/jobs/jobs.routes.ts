import { Hono } from 'hono';
import { z } from 'zod';
import { JOB_STATES } from '../../db/schema/jobs.js';
import { requireRole } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import { toIso } from '../lib/clock.js';
import { conflict, notFound } from '../lib/errors.js';
import { readQuery, type AppEnv } from '../lib/http.js';
import type { JobRow } from './jobs.store.js';

const listQuery = z.object({
  state: z.enum(JOB_STATES).optional(),
  queue: z.string().max(100).optional(),
  cursor: z.string().regex(/^\d+$/, 'must be a cursor from nextCursor').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

function jobToJson(j: JobRow) {
  let payload: unknown;
  try {
    payload = JSON.parse(j.payload);
  } catch {
    payload = j.payload;
  }
  return {
    id: String(j.id),
    queue: j.queue,
    state: j.state,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    runAt: toIso(j.runAt),
    idempotencyKey: j.idempotencyKey,
    lastError: j.lastError,
    payload,
    createdAt: toIso(j.createdAt),
    updatedAt: toIso(j.updatedAt),
  };
}

/** Admin view of the job table: dead jobs with their last error, and a retry button. */
export function createJobsRoutes(deps: AppDeps) {
  const admins = requireRole('owner', 'admin');
  const findJob = (raw: string) => {
    const job = /^\d+$/.test(raw) ? deps.jobs.get(Number(raw)) : null;
    if (!job) throw notFound('jobs.not_found', 'No such job.');
    return job;
  };

  return new Hono<AppEnv>()
    .get('/admin/jobs', admins, (c) => {
      const q = readQuery(c, listQuery);
      const rows = deps.jobs.list({ state: q.state, queue: q.queue, beforeId: q.cursor ? Number(q.cursor) : undefined, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const nextCursor = rows.length > q.limit ? String(page[page.length - 1]!.id) : null;
      return c.json({ data: page.map(jobToJson), nextCursor });
    })
    .get('/admin/jobs/stats', admins, (c) =>
      c.json({
        data: {
          queues: deps.jobs.counts().map((r) => ({ ...r, oldestRunAt: toIso(r.oldestRunAt) })),
          inflight: deps.worker.inflight(),
        },
      }),
    )
    .get('/admin/jobs/:id', admins, (c) => c.json({ data: jobToJson(findJob(c.req.param('id'))) }))
    .post('/admin/jobs/:id/retry', admins, (c) => {
      const job = findJob(c.req.param('id'));
      if (!deps.jobs.retryDead(job.id)) throw conflict('jobs.not_dead', `Job ${job.id} is ${job.state}; only dead jobs can be retried.`);
      deps.worker.notify(job.queue);
      deps.logger.info('dead job retried', { job: { id: job.id, queue: job.queue }, by: c.get('auth')?.user.id });
      return c.json({ data: jobToJson(deps.jobs.get(job.id)!) });
    });
}
