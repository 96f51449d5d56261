/** Polling helpers for end-to-end tests: deadlines instead of fixed sleeps, so a loaded machine only waits longer. */
import type { LiveParley } from './live-parley.js';
import { bodyOf } from './server-process.js';

/** Calls `read` every `everyMs` until `ok` holds; throws with the last value after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`not reached after ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface QueueRow {
  queue: string;
  state: 'queued' | 'running' | 'done' | 'dead';
  count: number;
  oldestRunAt: string | null;
}

/** The job table per (queue, state), through the admin API. */
export async function jobStats(live: LiveParley): Promise<QueueRow[]> {
  return (await bodyOf(live.api('/admin/jobs/stats'))).data.queues as QueueRow[];
}

/**
 * Waits until no job is running and none is overdue (queued and due more than `graceMs` ago): nothing
 * stuck. A job whose process was killed stays `running` until its lease ends, then runs again — so this
 * can take up to the longest lease after a kill -9.
 */
export async function waitForQuietJobs(live: LiveParley, timeoutMs: number, graceMs = 10_000): Promise<QueueRow[]> {
  return eventually(
    () => jobStats(live),
    (rows) => rows.every((r) => r.state !== 'running' && !(r.state === 'queued' && r.oldestRunAt !== null && Date.parse(r.oldestRunAt) < Date.now() - graceMs)),
    timeoutMs,
    250,
  );
}
