import { createSignal, onCleanup } from 'solid-js';

/**
 * A counter that bumps on every server event (and on reconnect, to catch up on anything missed while
 * the stream was down). Views refetch when it changes. EventSource reconnects by itself; we back off
 * after errors so a dead server is not hammered.
 */
export function createLiveTick() {
  const [tick, setTick] = createSignal(0);
  let source: EventSource | null = null;
  let retry = 1_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    source = new EventSource('/api/v1/events');
    source.addEventListener('ready', () => {
      retry = 1_000;
      setTick((t) => t + 1);
    });
    for (const type of ['message.created', 'message.status', 'message.updated', 'message.reaction', 'conversation.updated', 'contact.updated', 'task.due', 'deal.created', 'deal.updated', 'deal.deleted']) {
      source.addEventListener(type, () => setTick((t) => t + 1));
    }
    source.onerror = () => {
      source?.close();
      timer = setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30_000);
    };
  };
  connect();
  onCleanup(() => {
    clearTimeout(timer);
    source?.close();
  });
  return tick;
}
