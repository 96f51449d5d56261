import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { fetchDeals, fetchOpenTasks } from '../deals/deals.api';
import { formatMoney } from '../deals/deals.models';
import { fetchContactConversations } from '../inbox/inbox.api';

const STATUS: Record<string, string> = { open: 'Open', pending: 'Waiting on customer', snoozed: 'Snoozed', resolved: 'Resolved' };

/** What hangs off a contact: conversations (open in the inbox), deals (open on the board), open tasks. */
export function ContactRelated(props: { contactId: string; version: number }) {
  const key = () => [props.contactId, props.version] as const;
  const [conversations] = createResource(key, ([id]) => fetchContactConversations(id));
  const [deals] = createResource(key, ([id]) => fetchDeals({ contactId: id, limit: 50 }).then((p) => p.data));
  const [tasks] = createResource(key, ([id]) => fetchOpenTasks({ contactId: id }));
  return (
    <>
      <section class="card" aria-labelledby="contact-conversations">
        <h2 id="contact-conversations">Conversations</h2>
        <ul class="plain related-list">
          <For each={conversations() ?? []} fallback={<li class="muted small">{conversations.loading ? 'Loading…' : 'No conversations yet.'}</li>}>
            {(c) => (
              <li>
                <A href={`/c/${c.id}`}>
                  <span>{STATUS[c.status] ?? c.status}</span>
                  <span class="muted small"> · {c.lastMessage?.text ?? (c.lastMessage ? c.lastMessage.type : 'no messages')}</span>
                </A>
              </li>
            )}
          </For>
        </ul>
      </section>
      <section class="card" aria-labelledby="contact-deals">
        <h2 id="contact-deals">Deals</h2>
        <ul class="plain related-list">
          <For each={deals() ?? []} fallback={<li class="muted small">{deals.loading ? 'Loading…' : 'No deals yet.'}</li>}>
            {(d) => (
              <li data-testid="contact-deal">
                <A href={`/deals/${d.id}`}>{d.title}</A>
                <span class="muted small">
                  {' '}
                  · {d.stage?.name ?? ''}
                  <Show when={d.amount}> · {formatMoney(d.amount, d.currency)}</Show>
                </span>
              </li>
            )}
          </For>
        </ul>
      </section>
      <section class="card" aria-labelledby="contact-tasks">
        <h2 id="contact-tasks">Open tasks</h2>
        <ul class="plain related-list">
          <For each={tasks() ?? []} fallback={<li class="muted small">{tasks.loading ? 'Loading…' : 'No open tasks.'}</li>}>
            {(t) => (
              <li>
                <span>{t.title}</span>
                <Show when={t.dueAt}>
                  <span class="muted small"> · due {new Date(t.dueAt!).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}</span>
                </Show>
                <Show when={t.dealId}>
                  {' '}
                  · <A href={`/deals/${t.dealId}`}>deal</A>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <A href="/tasks?tab=open" class="small">
          All tasks
        </A>
      </section>
    </>
  );
}
