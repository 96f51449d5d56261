import { createEffect, createResource, createSignal, For, Match, on, Show, Switch } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { fetchConversation, fetchMessagePage, fetchNotes, fetchOlderMessages, markRead, react, retryMessage, type Message } from './inbox.api';
import { timeline, windowLeft } from './inbox.models';
import { Composer } from './composer';
import { ContactPanel } from './contact-panel';
import { ConversationActions } from './conversation-actions';
import { MessageBubble } from './message-bubble';

const ready = <T,>(r: { state: string; latest: T | undefined }) => (r.state === 'ready' || r.state === 'refreshing' ? r.latest : undefined);

/** A conversation: actions, messages and notes in time order, load-older, the composer, the contact. */
export function Thread(props: { id: string; meId: string; tick: number; now: number; onBack: () => void }) {
  const [conversation, { refetch: refetchConversation }] = createResource(() => props.id, fetchConversation);
  const [latest, { refetch }] = createResource(() => props.id, fetchMessagePage);
  const [notes, { refetch: refetchNotes }] = createResource(() => props.id, fetchNotes);
  const [older, setOlder] = createSignal<Message[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const [showContact, setShowContact] = createSignal(false);
  const [replyTo, setReplyTo] = createSignal<Message | null>(null);
  const [optimistic, setOptimistic] = createSignal<Message[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  let list: HTMLOListElement | undefined;

  const refresh = () => (void refetch(), void refetchConversation(), void refetchNotes());
  createEffect(on(() => props.tick, refresh, { defer: true }));
  createEffect(on(() => props.id, (id) => (setOlder([]), setCursor(undefined), setReplyTo(null), setOptimistic([]), void markRead(id).catch(() => undefined))));
  const page = () => ready(latest);
  // Bubbles shown at once when sending; they give way to the real message on the next refetch.
  const messages = () => {
    const real = [...older(), ...(page()?.data ?? []).slice().reverse()];
    const pending = optimistic().filter((o) => !real.some((m) => m.direction === 'outbound' && m.text === o.text && Date.parse(m.timestamp) >= Date.parse(o.timestamp) - 5_000));
    return [...real, ...pending];
  };
  const addOptimistic = (text: string) => {
    const temp = { id: `tmp-${Date.now()}`, conversationId: props.id, direction: 'outbound', type: 'text', text, status: 'queued', timestamp: new Date().toISOString(), error: null, media: null, reactions: [], referral: null, replyTo: null, waMessageId: null, forwarded: false, frequentlyForwarded: false, editedAt: null, revokedAt: null } satisfies Message;
    setOptimistic((o) => [...o, temp]);
    return () => setOptimistic((o) => o.filter((m) => m !== temp));
  };
  const reactTo = async (m: Message, emoji: string) => {
    try {
      await react(props.id, m.id, emoji);
      refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Reaction failed.');
    }
  };
  const byWaId = () => new Map(messages().filter((m) => m.waMessageId).map((m) => [m.waMessageId!, m]));
  // Our own reactions are messages too (they have a send status), but they show under their target.
  const items = () => timeline(messages().filter((m) => m.type !== 'reaction'), ready(notes) ?? [], props.now);
  createEffect(on(() => page()?.data.length, () => queueMicrotask(() => list?.scrollTo({ top: list.scrollHeight }))));

  const conv = () => ready(conversation);
  const left = () => windowLeft(conv()?.windowExpiresAt ?? null, props.now);
  const nextCursor = () => (cursor() === undefined ? page()?.nextCursor : cursor());
  const loadOlder = async () => {
    const c = nextCursor();
    if (!c) return;
    try {
      const res = await fetchOlderMessages(props.id, c);
      setOlder((o) => [...res.data.slice().reverse(), ...o]);
      setCursor(res.nextCursor);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not load older messages.');
    }
  };
  const retry = async (m: Message) => {
    try {
      await retryMessage(m.id);
      refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Retry failed.');
    }
  };

  return (
    <div class="thread-wrap">
      <section class="thread" aria-label="Conversation">
        <header class="thread-head">
          <button type="button" class="back" onClick={props.onBack} aria-label="Back to conversations">
            ←
          </button>
          <button type="button" class="contact-toggle" onClick={() => setShowContact((v) => !v)} aria-label="Contact details">
            <strong>{conv()?.contact?.name ?? conv()?.contact?.phone ?? '…'}</strong>
            <span class="muted small">{conv()?.contact?.phone ?? conv()?.contact?.username ?? ''}</span>
          </button>
          <Show when={conv()}>
            <span class={`window-badge ${left() ? 'open' : 'closed'}`} data-testid="window">
              {left() ?? 'Window closed'}
            </span>
          </Show>
        </header>
        <Show when={conv()}>
          {(c) => <ConversationActions conversation={c()} meId={props.meId} onChange={refresh} onError={setError} />}
        </Show>
        <ol class="messages" ref={list}>
          <Show when={nextCursor()}>
            <li class="load-older">
              <button type="button" onClick={loadOlder}>
                Load older messages
              </button>
            </li>
          </Show>
          <For each={items()}>
            {(it) => (
              <Switch>
                <Match when={it.kind === 'day' && it}>{(d) => <li class="day-separator">{d().label}</li>}</Match>
                <Match when={it.kind === 'note' && it}>
                  {(n) => (
                    <li class="note" data-testid="note">
                      <span class="small muted">Internal note</span>
                      <p>{n().item.body}</p>
                    </li>
                  )}
                </Match>
                <Match when={it.kind === 'message' && it}>
                  {(mm) => (
                    <MessageBubble
                      message={mm().item}
                      quoted={mm().item.replyTo ? byWaId().get(mm().item.replyTo!) : undefined}
                      onRetry={retry}
                      onReply={left() ? setReplyTo : undefined}
                      onReact={left() ? reactTo : undefined}
                    />
                  )}
                </Match>
              </Switch>
            )}
          </For>
        </ol>
        <Show when={latest.state === 'errored' || conversation.state === 'errored' || error()}>
          <p class="error page-error" role="alert">
            {error() ?? String((latest.error ?? conversation.error)?.message ?? 'Could not load this conversation.')}
          </p>
        </Show>
        <Show when={conv()}>
          <Composer
            conversationId={props.id}
            windowOpen={!!left()}
            replyTo={replyTo()}
            onClearReply={() => setReplyTo(null)}
            onOptimistic={addOptimistic}
            onSent={refresh}
          />
        </Show>
      </section>
      <Show when={conv()?.contact}>
        {(contact) => (
          <div class={`contact-column ${showContact() ? 'open' : ''}`}>
            {/* Below 1200 px the panel is a drawer over the thread that covers the name that opened it. */}
            <button type="button" class="contact-close" onClick={() => setShowContact(false)} aria-label="Close contact details">
              ✕ Close
            </button>
            <ContactPanel contact={contact()} conversationId={props.id} onChange={refresh} />
          </div>
        )}
      </Show>
    </div>
  );
}
