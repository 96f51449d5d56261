import { A } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { fetchDeals, fetchOpenTasks, fetchPipelines } from './deals.api';
import { formatMoney } from './deals.models';
import { NewDealForm } from './new-deal-form';
import '../../ui/crm.css';

/**
 * The inbox contact panel's CRM part: the contact's open deals (tap to open on the board) with a quick
 * "New deal" linked to this contact and conversation, and their open tasks. Refreshes whenever
 * `refreshKey` changes (the thread refreshes it on live events).
 */
export function ContactDeals(props: { contact: { id: string; name: string | null; phone: string | null }; conversationId: string; refreshKey: unknown }) {
  const key = () => ({ id: props.contact.id, v: props.refreshKey });
  const [deals, { refetch }] = createResource(key, (k) => fetchDeals({ contactId: k.id, open: true, limit: 20 }).then((p) => p.data));
  const [tasks] = createResource(key, (k) => fetchOpenTasks({ contactId: k.id }));
  const [adding, setAdding] = createSignal(false);
  const [pipelines] = createResource(adding, () => fetchPipelines());
  const latest = <T,>(r: { state: string; latest: T | undefined }) => (r.state === 'ready' || r.state === 'refreshing' ? r.latest : undefined);
  return (
    <div class="panel-crm">
      <div class="panel-head">
        <h4>Open deals</h4>
        <button type="button" class="link" aria-expanded={adding()} onClick={() => setAdding(!adding())}>
          {adding() ? 'Cancel' : 'New deal'}
        </button>
      </div>
      <Show when={adding() && pipelines()}>
        {(ps) => (
          <NewDealForm
            compact
            pipelines={ps()}
            team={[]}
            contact={props.contact}
            conversationId={props.conversationId}
            onCreated={() => {
              setAdding(false);
              void refetch();
            }}
            onCancel={() => setAdding(false)}
          />
        )}
      </Show>
      <ul class="plain panel-deals">
        <For each={latest(deals) ?? []} fallback={<li class="muted small">{deals.error ? 'Could not load deals.' : latest(deals) ? 'No open deals.' : 'Loading…'}</li>}>
          {(d) => (
            <li data-testid="panel-deal">
              <A href={`/deals/${d.id}`} class="panel-deal">
                <span class="panel-deal-title">{d.title}</span>
                <span class="small muted">
                  {d.stage?.name ?? ''}
                  <Show when={d.amount}> · {formatMoney(d.amount, d.currency)}</Show>
                </span>
              </A>
            </li>
          )}
        </For>
      </ul>
      <h4>Open tasks</h4>
      <ul class="plain">
        <For each={latest(tasks) ?? []} fallback={<li class="muted small">{latest(tasks) ? 'No open tasks.' : tasks.error ? 'Could not load tasks.' : 'Loading…'}</li>}>
          {(t) => (
            <li class="small">
              {t.title}
              <Show when={t.dueAt}>
                <span class="muted"> · due {new Date(t.dueAt!).toLocaleString([], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}</span>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
