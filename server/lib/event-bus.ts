/** In-process fan-out for live UI updates (SSE). Never a durability mechanism: jobs are. */
export interface LiveEvent {
  type: string;
  /** Ids the subscriber filters on (visibility). */
  conversationId?: string;
  contactId?: string;
  /** A personal event (a notification): only this user's streams carry it. */
  userId?: string;
  data: unknown;
}

export type EventBus = ReturnType<typeof createEventBus>;

export function createEventBus() {
  const subscribers = new Set<(e: LiveEvent) => void>();
  return {
    publish(events: LiveEvent | LiveEvent[]) {
      for (const e of Array.isArray(events) ? events : [events]) for (const fn of subscribers) fn(e);
    },
    /** Returns the unsubscribe function. */
    subscribe(fn: (e: LiveEvent) => void): () => void {
      subscribers.add(fn);
      return () => void subscribers.delete(fn);
    },
    get size() {
      return subscribers.size;
    },
  };
}
