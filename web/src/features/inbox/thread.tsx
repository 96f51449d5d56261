import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { fetchConversation, fetchMessages, markRead, sendText } from './inbox.api';
import { windowLeft } from './inbox.models';
import { MessageBubble } from './message-bubble';

/** A conversation: messages oldest first, the window countdown, and a composer that keeps text on failure. */
export function Thread(props: { id: string; tick: number; now: number; onBack: () => void }) {
  const [conversation, { refetch: refetchConversation }] = createResource(() => props.id, fetchConversation);
  const [messages, { refetch }] = createResource(() => props.id, fetchMessages);
  const [draft, setDraft] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [sending, setSending] = createSignal(false);
  let list: HTMLOListElement | undefined;

  createEffect(on(() => props.tick, () => (void refetch(), void refetchConversation()), { defer: true }));
  createEffect(on(() => props.id, (id) => void markRead(id).catch(() => undefined)));
  createEffect(on(() => items()?.length, () => list?.scrollTo({ top: list.scrollHeight })));

  // Read resources through `latest` guarded by state: reading an errored resource would throw.
  const conv = () => (conversation.state === 'ready' || conversation.state === 'refreshing' ? conversation.latest : undefined);
  const items = () => (messages.state === 'ready' || messages.state === 'refreshing' ? messages.latest : undefined);
  const left = () => windowLeft(conv()?.windowExpiresAt ?? null, props.now);
  const send = async (e: SubmitEvent) => {
    e.preventDefault();
    const text = draft().trim();
    if (!text) return;
    setSending(true);
    setError(null);
    try {
      await sendText(props.id, text);
      setDraft('');
      void refetch();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Sending failed.');
    } finally {
      setSending(false);
    }
  };

  return (
    <section class="thread" aria-label="Conversation">
      <header class="thread-head">
        <button type="button" class="back" onClick={props.onBack} aria-label="Back to conversations">
          ←
        </button>
        <div>
          <strong>{conv()?.contact?.name ?? conv()?.contact?.phone ?? '…'}</strong>
          <div class="muted small">{conv()?.contact?.phone ?? conv()?.contact?.username ?? ''}</div>
        </div>
        <span class={`window-badge ${left() ? 'open' : 'closed'}`} data-testid="window">
          {left() ?? 'Window closed'}
        </span>
      </header>
      <ol class="messages" ref={list}>
        <For each={items()}>{(m) => <MessageBubble message={m} />}</For>
      </ol>
      <Show when={messages.state === 'errored' || conversation.state === 'errored'}>
        <p class="error" role="alert">
          {String((messages.error ?? conversation.error)?.message ?? 'Could not load this conversation.')}
        </p>
      </Show>
      <Show
        when={left()}
        fallback={
          <p class="notice composer-closed">
            The customer has not written in 24 hours. WhatsApp only allows an approved template now.
          </p>
        }
      >
        <form class="composer" onSubmit={send}>
          <textarea
            aria-label="Message"
            placeholder="Type a reply"
            rows={1}
            value={draft()}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <button type="submit" class="primary" disabled={sending() || !draft().trim()}>
            Send
          </button>
        </form>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </section>
  );
}
