import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireAuth } from '../auth/auth.middleware.js';
import type { AppDeps } from '../deps.js';
import type { LiveEvent } from '../lib/event-bus.js';
import type { AppEnv } from '../lib/http.js';
import { whileOpen } from '../metrics/metrics.catalog.js';
import { canSee, conversationScope } from '../teams/teams.repository.js';
import { getConversation } from './conversations.repository.js';

const KEEPALIVE_MS = 25_000;
// A client this far behind is stalled: drop it; it reconnects and refetches (the UI catches up on reconnect).
const MAX_BACKLOG = 1_000;

/** `GET /api/v1/events`: live updates over Server-Sent Events (new messages, statuses, conversation changes). */
export function createEventsRoutes(deps: Pick<AppDeps, 'bus' | 'db' | 'metrics'>) {
  return new Hono<AppEnv>().get('/events', requireAuth, (c) => {
    // Agents only hear about conversations they may see (their own, their teams', the shared queue).
    const scope = conversationScope(deps.db, c.get('auth')!);
    const me = c.get('auth')!.user.id;
    const visible = (e: LiveEvent) => {
      if (e.userId !== undefined) return e.userId === me; // personal (notifications): owners do not hear others' either
      if (!scope) return true;
      // A deal outside any conversation: only its owner (or everyone, when it has none) hears of it.
      if (!e.conversationId && e.type.startsWith('deal.')) {
        const ownerId = (e.data as { ownerId?: string | null } | undefined)?.ownerId;
        return ownerId === undefined || ownerId === null || ownerId === scope.userId;
      }
      if (!e.conversationId) return true;
      const conv = getConversation(deps.db, e.conversationId);
      return !!conv && canSee(scope, conv);
    };
    return streamSSE(c, whileOpen(deps.metrics.sseClients, async (stream) => {
      let seq = 0;
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.bus.subscribe((e) => {
        if (!visible(e)) return;
        if (queue.length >= MAX_BACKLOG) {
          unsubscribe();
          stream.abort();
        } else queue.push(e);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '{}', id: String(seq) });
      while (!stream.aborted) {
        const next = queue.shift();
        if (next) {
          await stream.writeSSE({ event: next.type, data: JSON.stringify({ conversationId: next.conversationId ?? null, contactId: next.contactId ?? null, ...(next.data as object) }), id: String(++seq) });
          continue;
        }
        // Sleep until an event arrives or it is time for a keep-alive comment (proxies drop idle streams).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, KEEPALIVE_MS);
          wake = () => {
            clearTimeout(timer);
            wake = null;
            resolve();
          };
        });
        if (queue.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
      unsubscribe();
    }));
  });
}
