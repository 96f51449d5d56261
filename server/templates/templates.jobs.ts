import type { AppDeps } from '../deps.js';
import type { Schedule } from '../jobs/jobs.schedules.js';
import { classifyGraphError, explainGraphError, GraphError } from '../whatsapp/graph/graph.errors.js';
import { upsertTemplates } from './templates.repository.js';

export const SYNC_TEMPLATES_QUEUE = 'templates.sync';
export const SYNC_ALL_TEMPLATES_QUEUE = 'templates.sync-all';

/**
 * Status webhooks keep rows current between syncs, but new templates, edits and a missed webhook only
 * show up in a list sync: one every 6 hours (a few Graph calls per channel).
 */
export const TEMPLATE_SCHEDULES: readonly Schedule[] = [{ name: 'templates.sync-all', cron: '17 */6 * * *', queue: SYNC_ALL_TEMPLATES_QUEUE }];

/** `templates.sync`: all pages of the channel's WABA templates into the templates table. */
export async function syncTemplatesJob(deps: Pick<AppDeps, 'db' | 'clock' | 'channels' | 'graphFor' | 'logger'>, payload: { channelId: string }, signal: AbortSignal) {
  const channel = deps.channels.byId(payload.channelId);
  if (!channel?.wabaId || channel.status !== 'active') return;
  let items;
  try {
    items = await deps.graphFor(channel).listAllTemplates(channel.wabaId, { signal });
  } catch (err) {
    // A dead token: flag the channel for a new one instead of retrying into a dead job.
    if (err instanceof GraphError && classifyGraphError(err).retry === 'reauth') {
      deps.channels.setStatus(channel.id, 'needs_token', explainGraphError(err.code ?? 190));
      deps.logger.warn('templates: access token rejected; channel needs a new token', { channelId: channel.id, code: err.code });
      return;
    }
    throw err;
  }
  const n = upsertTemplates(deps.db, channel.wabaId, items, deps.clock.now());
  deps.logger.info('templates synced', { channelId: channel.id, templates: n });
}

/** Queues a sync of every channel's templates (at boot and on demand). */
export function enqueueTemplateSync(deps: Pick<AppDeps, 'channels' | 'jobs' | 'clock' | 'notify'>, channelIds?: string[]): number {
  let n = 0;
  for (const ch of deps.channels.all()) {
    if (!ch.wabaId || (channelIds && !channelIds.includes(ch.id))) continue;
    if (deps.jobs.enqueue(SYNC_TEMPLATES_QUEUE, { channelId: ch.id }, { idempotencyKey: `${ch.id}@${Math.floor(deps.clock.now() / 10_000)}`, maxAttempts: 5 }) !== null) n++;
  }
  deps.notify(SYNC_TEMPLATES_QUEUE);
  return n;
}

/** `templates.sync-all` (scheduled): queues one `templates.sync` per channel with a WABA. */
export function syncAllTemplatesJob(deps: Pick<AppDeps, 'channels' | 'jobs' | 'clock' | 'notify'>): number {
  return enqueueTemplateSync(deps);
}

/** Registers the scheduled sync; the per-channel `templates.sync` queue is registered with the WhatsApp jobs. */
export function registerTemplateJobs(deps: AppDeps): void {
  deps.worker.register(SYNC_ALL_TEMPLATES_QUEUE, () => void syncAllTemplatesJob(deps), { concurrency: 1 });
}
