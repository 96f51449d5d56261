import { A, useLocation, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { createLiveTick } from '../../lib/live';
import { fetchMe, fetchSystemStatus, logout } from '../auth/auth.api';
import { fetchConversations } from './inbox.api';
import { preview, windowLeft } from './inbox.models';
import { Thread } from './thread';

/** The inbox: conversation list and the open thread (one column on phones, two on wide screens). */
export function InboxPage() {
  const navigate = useNavigate();
  const location = useLocation();
  // A missing or expired session goes to sign-in and comes back here afterwards.
  const [me] = createResource(async () => {
    try {
      return await fetchMe();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        navigate(`/login?next=${encodeURIComponent(location.pathname)}`, { replace: true });
        return null;
      }
      throw err;
    }
  });
  const [status] = createResource(() => fetchSystemStatus().catch(() => null));

  const signOut = async () => {
    await logout().catch(() => undefined);
    navigate('/login', { replace: true });
  };

  return (
    <div class="shell">
      <Show when={status.state === 'ready' && status()?.mode === 'sandbox'}>
        <div class="sandbox-banner" role="status">
          Sandbox: a simulator plays WhatsApp. <A href="/sandbox/phone">Open the customer phone</A> to write in as a customer.
        </div>
      </Show>
      <header class="topbar">
        <span class="brand">Parley</span>
        <Show when={me.state === 'ready' && me()}>
          {(user) => (
            <span class="topbar-user">
              <span class="muted">{user().name}</span>
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            </span>
          )}
        </Show>
      </header>
      <Show when={me.state === 'errored'}>
        <p class="error page-error" role="alert">
          {me.error instanceof Error ? me.error.message : 'Could not load your account.'}
        </p>
      </Show>
      <Show when={me.state === 'ready' && me()}>
        <InboxBody />
      </Show>
    </div>
  );
}

function InboxBody() {
  const navigate = useNavigate();
  const params = useParams<{ id?: string }>();
  const tick = createLiveTick();
  const [conversations, { refetch }] = createResource(fetchConversations);
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(clock));
  createEffect(on(tick, () => void refetch(), { defer: true }));
  const list = () => (conversations.state === 'ready' || conversations.state === 'refreshing' ? conversations.latest : undefined);

  return (
    <main class={`inbox ${params.id ? 'has-thread' : ''}`} aria-label="Inbox">
      <section class="conversation-list" aria-label="Conversations">
        <h2>Conversations</h2>
        <Show when={conversations.state === 'errored'}>
          <p class="error" role="alert">
            {conversations.error instanceof Error ? conversations.error.message : 'Could not load conversations.'}
          </p>
        </Show>
        <Show when={list()?.length} fallback={<p class="empty muted">No conversations yet. New WhatsApp chats will appear here.</p>}>
          <ul>
            <For each={list()}>
              {(c) => (
                <li>
                  <A href={`/c/${c.id}`} class={`conversation-row ${params.id === c.id ? 'active' : ''}`} data-testid="conversation">
                    <span class="row-top">
                      <strong>{c.contact?.name ?? c.contact?.phone ?? 'Unknown'}</strong>
                      <Show when={c.unreadCount > 0}>
                        <span class="badge" aria-label={`${c.unreadCount} unread`}>
                          {c.unreadCount}
                        </span>
                      </Show>
                    </span>
                    <span class="row-preview muted">{preview(c.lastMessage)}</span>
                    <span class="row-window small muted">{windowLeft(c.windowExpiresAt, now()) ?? 'window closed'}</span>
                  </A>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <Show when={params.id} fallback={<section class="thread placeholder muted">Choose a conversation.</section>}>
        {(id) => <Thread id={id()} tick={tick()} now={now()} onBack={() => navigate('/')} />}
      </Show>
    </main>
  );
}
