import type { AppDeps } from '../deps.js';
import { upsertTemplates } from './templates.repository.js';

export const SYNC_TEMPLATES_QUEUE = 'templates.sync';

/** `templates.sync`: all pages of the channel's WABA templates into the templates table. */
export async function syncTemplatesJob(deps: Pick<AppDeps, 'db' | 'clock' | 'channels' | 'graphFor' | 'logger'>, payload: { channelId: string }, signal: AbortSignal) {
  const channel = deps.channels.byId(payload.channelId);
  if (!channel?.wabaId || channel.status !== 'active') return;
  const items = await deps.graphFor(channel).listAllTemplates(channel.wabaId, { signal });
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
