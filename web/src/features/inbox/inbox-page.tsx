import { useLocation, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { createLiveTick } from '../../lib/live';
import { AppShell } from '../../ui/app-shell';
import { ConversationRow } from './conversation-row';
import { fetchContactConversations, fetchConversationPage, isManagerView, MANAGER_VIEWS, search, type Conversation, type ListFilter } from './inbox.api';
import { SearchResults } from './search-results';
import { Thread } from './thread';

/** The inbox: conversation list and the open thread (one column on phones, two on wide screens). */
export function InboxPage() {
  const params = useParams<{ id?: string }>();
  return (
    <AppShell fill hideTabBar={!!params.id}>
      {(me) => <InboxBody meId={me.id} />}
    </AppShell>
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
  const location = useLocation();
  const params = useParams<{ id?: string }>();
  // `?view=sla_breached&minutes=15` (from the manager page) lists one of the manager's views instead.
  const [searchParams, setSearchParams] = useSearchParams<{ view?: string; minutes?: string }>();
  const view = () => (isManagerView(searchParams.view) ? searchParams.view : null);
  const minutes = () => {
    const m = Number(searchParams.minutes ?? 15);
    return Number.isInteger(m) && m >= 0 ? m : 15;
  };
  const tick = createLiveTick();
  const [filter, setFilter] = createSignal<ListFilter>('all');
  const source = createMemo(() => {
    const v = view();
    return v ? { view: v, minutes: minutes() } : filter();
  }, undefined, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) });
  const [more, setMore] = createSignal<Conversation[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  // Each page remembers the list it was loaded for: after a filter change the previous list's rows (or its
  // emptiness) are not shown as this one's while it loads.
  const [page, { refetch }] = createResource(source, async (s) => ({ ...(await fetchConversationPage(s)), source: s }));
  const [query, setQuery] = createSignal('');
  const [results] = createResource(() => (query().trim().length >= 2 ? query().trim() : null), search);
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(clock));
  createEffect(on(tick, () => void refetch(), { defer: true }));
  createEffect(on(source, () => (setMore([]), setCursor(undefined))));
  const first = () => (page.state === 'ready' || page.state === 'refreshing') && page.latest?.source === source() ? page.latest : undefined;
  const list = () => {
    const seen = new Set<string>();
    return [...(first()?.data ?? []), ...more()].filter((c) => !seen.has(c.id) && seen.add(c.id));
  };
  const nextCursor = () => (cursor() === undefined ? first()?.nextCursor : cursor());
  const loadMore = async () => {
    const c = nextCursor();
    if (!c) return;
    const res = await fetchConversationPage(source(), c);
    setMore((m) => [...m, ...res.data]);
    setCursor(res.nextCursor);
  };
  const chooseFilter = (f: ListFilter) => {
    setFilter(f);
    if (view()) setSearchParams({ view: undefined, minutes: undefined });
  };
  const viewLabel = () => {
    const v = MANAGER_VIEWS.find((m) => m.id === view());
    return v && (v.id === 'waiting_first_response' && minutes() > 0 ? `${v.label} (over ${minutes()} min)` : v.label);
  };

  return (
    <main class={`inbox ${params.id ? 'has-thread' : ''}`} aria-label="Inbox">
      <section class="conversation-list" aria-label="Conversations">
        <input class="search" type="search" aria-label="Search contacts and messages" placeholder="Search contacts and messages" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
        <Show when={!results() || query().trim().length < 2} fallback={<SearchResults results={results()} onContact={navigateToContact} />}>
          <nav class="filters" aria-label="Filters">
            <Show when={viewLabel()}>
              <button type="button" class="active" aria-pressed="true" aria-label={`${viewLabel()}: show all again`} onClick={() => chooseFilter('all')}>
                {viewLabel()} ✕
              </button>
            </Show>
            <For each={FILTERS}>
              {(f) => (
                <button type="button" class={!view() && filter() === f.id ? 'active' : ''} aria-pressed={!view() && filter() === f.id} onClick={() => chooseFilter(f.id)}>
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
          <Show when={list().length} fallback={<p class="empty muted">{first() || page.state === 'errored' ? 'No conversations here.' : 'Loading…'}</p>}>
            <ul>
              <For each={list()}>
                {(c) => (
                  <li>
                    <ConversationRow conversation={c} href={`/c/${c.id}${location.search}`} active={params.id === c.id} now={now()} />
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
        {(id) => <Thread id={id} meId={props.meId} tick={tick()} now={now()} onBack={() => navigate(`/${location.search}`)} />}
      </Show>
    </main>
  );

  async function navigateToContact(contactId: string) {
    const [hit] = await fetchContactConversations(contactId);
    if (hit) navigate(`/c/${hit.id}`);
    else setQuery('');
  }
}
