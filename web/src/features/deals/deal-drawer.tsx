import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, on, Show } from 'solid-js';
import { fetchCustomFields } from '../../lib/custom-fields';
import { createAction, errorMessage } from '../../ui/action';
import { Drawer } from '../../ui/drawer';
import { ErrorLine } from '../../ui/error-line';
import type { Teammate } from '../inbox/inbox.api';
import { DealEditForm } from './deal-edit-form';
import { DealPayment, DealTasks, StageHistory } from './deal-sections';
import { deleteDeal, fetchContactNames, fetchDeal, type Pipeline } from './deals.api';
import { formatMoney } from './deals.models';

/** One deal over the board: summary, edit form, time in stages and history, tasks, payment, delete. */
export function DealDrawer(props: {
  id: string;
  pipelines: Pipeline[];
  team: Teammate[];
  tick: number;
  onClose: () => void;
  onChanged: () => void;
}) {
  const [deal, { refetch }] = createResource(() => props.id, fetchDeal);
  const [fields] = createResource(() => fetchCustomFields('deal').catch(() => []));
  const [confirming, setConfirming] = createSignal(false);
  const action = createAction();
  createEffect(on(() => props.tick, () => void refetch(), { defer: true }));
  const names = () => new Map(props.team.map((u) => [u.id, u.name]));
  const current = () => (deal.state === 'ready' || deal.state === 'refreshing' ? deal.latest : undefined);
  const [contactName] = createResource(
    () => current()?.contactId,
    (id) => fetchContactNames([id]).then((m) => m.get(id) ?? null),
  );
  const changed = () => {
    void refetch();
    props.onChanged();
  };
  const remove = async () => {
    if (await action.run(() => deleteDeal(props.id))) {
      props.onChanged();
      props.onClose();
    }
  };

  return (
    <Drawer label={current()?.title ?? 'Deal'} onClose={props.onClose}>
      <Show when={current()} fallback={<p class={deal.error ? 'error' : 'muted'}>{deal.error ? errorMessage(deal.error) : 'Loading…'}</p>}>
        {(d) => (
          <div class="deal-detail" data-testid="deal-detail">
            <header class="deal-detail-head">
              <h2>{d().title}</h2>
              <p class="muted">
                <span class={`stage-pill outcome-${d().stage?.outcome ?? 'open'}`}>{d().stage?.name ?? 'Unknown stage'}</span>
                <Show when={d().amount}> {formatMoney(d().amount, d().currency)}</Show>
              </p>
              <p class="small deal-links">
                <Show when={d().contactId}>
                  <A href={`/contacts/${d().contactId}`}>{contactName() ?? 'Contact'}</A>
                </Show>
                <Show when={d().conversationId}>
                  <A href={`/c/${d().conversationId}`}>Open conversation</A>
                </Show>
              </p>
            </header>
            {/* Keyed by deal: live updates refresh the sections without wiping what is being typed here. */}
            <Show when={fields.state === 'ready' && !contactName.loading && d().id} keyed>
              <DealEditForm
                deal={d()}
                pipelines={props.pipelines}
                team={props.team}
                fields={fields() ?? []}
                contact={d().contactId ? { id: d().contactId!, name: contactName() ?? null, phone: null } : null}
                onSaved={changed}
              />
            </Show>
            <StageHistory deal={d()} names={names()} />
            <DealTasks deal={d()} onChange={changed} />
            <DealPayment deal={d()} onChange={changed} />
            <section class="danger-zone" aria-label="Delete deal">
              <Show
                when={confirming()}
                fallback={
                  <button type="button" class="danger" onClick={() => setConfirming(true)}>
                    Delete deal
                  </button>
                }
              >
                <p>Delete “{d().title}”? Its tasks stay, unlinked.</p>
                <div class="form-buttons">
                  <button type="button" class="danger" onClick={remove}>
                    Yes, delete
                  </button>
                  <button type="button" onClick={() => setConfirming(false)}>
                    Keep it
                  </button>
                </div>
              </Show>
              <ErrorLine message={action.error()} />
            </section>
          </div>
        )}
      </Show>
    </Drawer>
  );
}
