import { createSignal, onCleanup } from 'solid-js';

/*
 * One live-update stream per tab, shared by whatever listens (the page's views, the notification bell):
 * browsers allow six connections per server over HTTP/1.1 across all tabs, so each listener opening its
 * own would soon starve the API calls. EventSource reconnects by itself; we back off after errors so a
 * dead server is not hammered.
 */

type Listener = (type: string, data: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const dispatchers = new Map<string, (e: Event) => void>();
let source: EventSource | null = null;
let users = 0;
let retry = 1_000;
let reconnect: ReturnType<typeof setTimeout> | undefined;
let closing: ReturnType<typeof setTimeout> | undefined;

const dispatcherFor = (type: string) => {
  let d = dispatchers.get(type);
  if (!d) {
    d = (e: Event) => {
      let data: unknown = null;
      try {
        data = JSON.parse((e as MessageEvent<string>).data);
      } catch {
        data = null;
      }
      for (const fn of [...(listeners.get(type) ?? [])]) fn(type, data);
    };
    dispatchers.set(type, d);
  }
  return d;
};

function connect() {
  reconnect = undefined;
  source = new EventSource('/api/v1/events');
  source.addEventListener('ready', () => void (retry = 1_000));
  for (const type of listeners.keys()) source.addEventListener(type, dispatcherFor(type));
  source.onerror = () => {
    source?.close();
    source = null;
    reconnect = setTimeout(connect, retry);
    retry = Math.min(retry * 2, 30_000);
  };
}

/**
 * Calls `fn` for each server event of the given types (and `ready` on every (re)connect, when asked for,
 * to catch up on anything missed). Returns the unsubscribe function.
 */
export function onLive(types: readonly string[], fn: Listener): () => void {
  for (const type of types) {
    let set = listeners.get(type);
    if (!set) {
      listeners.set(type, (set = new Set()));
      source?.addEventListener(type, dispatcherFor(type));
    }
    set.add(fn);
  }
  users++;
  clearTimeout(closing);
  if (!source && !reconnect) connect();
  return () => {
    for (const type of types) listeners.get(type)?.delete(fn);
    users--;
    // A page change unsubscribes the old page after (or before) the new one subscribes: keep the stream
    // open a moment instead of reconnecting.
    if (users === 0) {
      closing = setTimeout(() => {
        if (users > 0) return;
        clearTimeout(reconnect);
        reconnect = undefined;
        source?.close();
        source = null;
        retry = 1_000;
      }, 1_000);
    }
  };
}

const TICK_TYPES = ['ready', 'message.created', 'message.status', 'message.updated', 'message.reaction', 'conversation.updated', 'contact.updated', 'task.due', 'deal.created', 'deal.updated', 'deal.deleted'];

/**
 * A counter that bumps on every server event the views show (and on reconnect, to catch up on anything
 * missed while the stream was down). Views refetch when it changes.
 */
export function createLiveTick() {
  const [tick, setTick] = createSignal(0);
  onCleanup(onLive(TICK_TYPES, () => setTick((t) => t + 1)));
  return tick;
}
