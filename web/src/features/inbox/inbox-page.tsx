import { A, useLocation, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { createLiveTick } from '../../lib/live';
import { disablePush, enablePush, pushSupported } from '../../lib/push';
import { fetchMe, fetchSystemStatus, logout } from '../auth/auth.api';
import { fetchContactConversations, fetchConversationPage, search, type Conversation, type ListFilter } from './inbox.api';
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
  const [pushState, setPushState] = createSignal<string | null>(null);

  const signOut = async () => {
    await disablePush().catch(() => undefined); // a shared device must not keep showing customer messages
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
              <Show when={pushSupported() && Notification.permission === 'default' && !pushState()}>
                <button type="button" class="icon" aria-label="Enable notifications" title="Enable notifications" onClick={() => enablePush().then(() => setPushState('on'), (e: Error) => setPushState(e.message))}>
                  🔔
                </button>
              </Show>
              <Show when={pushState() && pushState() !== 'on'}>
                <span class="error small">{pushState()}</span>
              </Show>
              <Show when={user().role !== 'agent'}>
                <A href="/settings">Settings</A>
              </Show>
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
      <Show when={me.state === 'ready' && me()}>{(user) => <InboxBody meId={user().id} />}</Show>
    </div>
  );
}

/** A search snippet with its matches marked (the server wraps them in \u0001…\u0002; no HTML involved). */
function Highlighted(props: { text: string }) {
  return (
    <For each={props.text.split(/(\u0001[^\u0002]*\u0002)/)}>
      {(part) => (part.startsWith('\u0001') ? <mark>{part.slice(1, -1)}</mark> : <>{part}</>)}
    </For>
  );
}

const FILTERS: { id: ListFilter; label: string }[] = [
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'all', label: 'All' },
  { id: 'pending', label: 'Waiting on customer' },
  { id: 'snoozed', label: 'Snoozed' },
  { id: 'resolved', label: 'Resolved' },
];

function InboxBody(props: { meId: string }) {
  const navigate = useNavigate();
  const params = useParams<{ id?: string }>();
  const tick = createLiveTick();
  const [filter, setFilter] = createSignal<ListFilter>('all');
  const [more, setMore] = createSignal<Conversation[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const [page, { refetch }] = createResource(filter, (f) => fetchConversationPage(f));
  const [query, setQuery] = createSignal('');
  const [results] = createResource(() => (query().trim().length >= 2 ? query().trim() : null), search);
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(clock));
  createEffect(on(tick, () => void refetch(), { defer: true }));
  createEffect(on(filter, () => (setMore([]), setCursor(undefined))));
  const first = () => (page.state === 'ready' || page.state === 'refreshing' ? page.latest : undefined);
  const list = () => {
    const seen = new Set<string>();
    return [...(first()?.data ?? []), ...more()].filter((c) => !seen.has(c.id) && seen.add(c.id));
  };
  const nextCursor = () => (cursor() === undefined ? first()?.nextCursor : cursor());
  const loadMore = async () => {
    const c = nextCursor();
    if (!c) return;
    const res = await fetchConversationPage(filter(), c);
    setMore((m) => [...m, ...res.data]);
    setCursor(res.nextCursor);
  };

  return (
    <main class={`inbox ${params.id ? 'has-thread' : ''}`} aria-label="Inbox">
      <section class="conversation-list" aria-label="Conversations">
        <input class="search" type="search" aria-label="Search contacts and messages" placeholder="Search contacts and messages" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
        <Show
          when={!results() || query().trim().length < 2}
          fallback={
            <div class="search-results" aria-label="Search results">
              <For each={results()?.contacts}>
                {(c) => (
                  <button type="button" class="conversation-row" onClick={() => navigateToContact(c.id)} data-testid="search-contact">
                    <strong>{c.name ?? c.phone}</strong>
                    <span class="muted small">{c.phone}</span>
                  </button>
                )}
              </For>
              <For each={results()?.messages}>
                {(m) => (
                  <A href={`/c/${m.conversationId}`} class="conversation-row" data-testid="search-message">
                    <span class="row-preview">
                      <Highlighted text={m.snippet} />
                    </span>
                  </A>
                )}
              </For>
              <For each={results()?.notes}>
                {(n) => (
                  <A href={`/c/${n.conversationId}`} class="conversation-row" data-testid="search-note">
                    <span class="row-preview">
                      📝 <Highlighted text={n.snippet} />
                    </span>
                  </A>
                )}
              </For>
              <Show when={!results()?.contacts.length && !results()?.messages.length && !results()?.notes.length}>
                <p class="muted empty">Nothing found.</p>
              </Show>
            </div>
          }
        >
          <nav class="filters" aria-label="Filters">
            <For each={FILTERS}>
              {(f) => (
                <button type="button" class={filter() === f.id ? 'active' : ''} aria-pressed={filter() === f.id} onClick={() => setFilter(f.id)}>
                  {f.label}
                </button>
              )}
            </For>
          </nav>
          <Show when={page.state === 'errored'}>
            <p class="error" role="alert">
              {page.error instanceof Error ? page.error.message : 'Could not load conversations.'}
            </p>
          </Show>
          <Show when={list().length} fallback={<p class="empty muted">No conversations here.</p>}>
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
                      <span class="row-window small muted">
                        {windowLeft(c.windowExpiresAt, now()) ?? 'window closed'}
                        <Show when={c.priority === 'urgent' || c.priority === 'high'}> · {c.priority}</Show>
                      </span>
                    </A>
                  </li>
                )}
              </For>
            </ul>
            <Show when={nextCursor()}>
              <button type="button" class="load-more" onClick={loadMore}>
                Load more
              </button>
            </Show>
          </Show>
        </Show>
      </section>
      {/* Keyed: a new conversation gets a fresh thread (no draft, upload or template values carried over). */}
      <Show when={params.id} keyed fallback={<section class="thread placeholder muted">Choose a conversation.</section>}>
        {(id) => <Thread id={id} meId={props.meId} tick={tick()} now={now()} onBack={() => navigate('/')} />}
      </Show>
    </main>
  );

  async function navigateToContact(contactId: string) {
    const [hit] = await fetchContactConversations(contactId);
    if (hit) navigate(`/c/${hit.id}`);
    else setQuery('');
  }
}
