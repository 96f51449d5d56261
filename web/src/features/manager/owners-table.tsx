import { For, Show } from 'solid-js';
import { ApiError } from '../../lib/api/client';
import { setAvailability, type OwnerLoad } from './manager.api';

/** Open work per teammate (and nobody); my own row lets me go on a break or come back. */
export function OwnersTable(props: { agents: OwnerLoad[]; meId: string; onChange: () => void; onError: (m: string | null) => void }) {
  const toggle = async (available: boolean) => {
    props.onError(null);
    try {
      await setAvailability(available);
      props.onChange();
    } catch (err) {
      props.onError(err instanceof ApiError ? err.message : 'Could not change your availability.');
    }
  };
  return (
    <div class="table-scroll">
      <table class="data-table" aria-label="Who owns what">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col" class="num">Open</th>
            <th scope="col" class="num">Waiting on us</th>
            <th scope="col" class="num">SLA breached</th>
            <th scope="col" class="num">Escalated</th>
            <th scope="col">Available</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.agents}>
            {(a) => (
              <tr class={a.userId === null ? 'nobody' : ''}>
                <th scope="row">{a.userId === null ? 'Nobody' : (a.name ?? 'Unnamed')}</th>
                <td class="num">{a.open}</td>
                <td class="num">{a.waitingOnBusiness}</td>
                <td class={`num ${a.slaBreached > 0 ? 'error' : ''}`}>{a.slaBreached}</td>
                <td class="num">{a.escalated}</td>
                <td>
                  <Show when={a.userId !== null} fallback={<span class="muted">—</span>}>
                    <Show when={a.userId === props.meId} fallback={a.available ? 'Yes' : <span class="muted">Away</span>}>
                      <label class="check">
                        <input type="checkbox" checked={a.available} onChange={(e) => void toggle(e.currentTarget.checked)} />
                        <span>{a.available ? 'Yes' : 'Away'}</span>
                        <span class="visually-hidden"> (I take new conversations)</span>
                      </label>
                    </Show>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
