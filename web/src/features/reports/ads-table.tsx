import { createResource, For, Show } from 'solid-js';
import { errorMessage } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { formatMinorTotals } from '../deals/deals.models';
import { fetchAdsReport } from './reports.api';
import { adLabel, safeHref } from './reports.models';

/** Click-to-WhatsApp ads: contacts and conversations each brought, how many replied, deals won and their value. */
export function AdsTable(props: { days: number }) {
  const [ads] = createResource(() => props.days, fetchAdsReport);
  const rows = () => (ads.state === 'ready' || ads.state === 'refreshing' ? ads.latest : undefined);
  return (
    <>
      <ErrorLine message={ads.state === 'errored' ? errorMessage(ads.error) : null} />
      <Show when={rows()} fallback={<p class="muted">{ads.state === 'errored' ? '' : 'Loading…'}</p>}>
        {(list) => (
          <Show when={list().length} fallback={<p class="muted">No customer came from an ad in this period.</p>}>
            <div class="table-scroll">
              <table class="data-table" aria-label="Click-to-WhatsApp ads">
                <thead>
                  <tr>
                    <th scope="col">Ad</th>
                    <th scope="col" class="num">Contacts</th>
                    <th scope="col" class="num">Conversations</th>
                    <th scope="col" class="num">Replied</th>
                    <th scope="col" class="num">Deals won</th>
                    <th scope="col" class="num">Won value</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(a) => (
                      <tr>
                        <th scope="row" class="wrap">
                          <Show when={safeHref(a.sourceUrl)} fallback={adLabel(a)}>
                            {(href) => (
                              <a href={href()} target="_blank" rel="noreferrer">
                                {adLabel(a)}
                              </a>
                            )}
                          </Show>
                          <Show when={a.sourceType}>
                            <span class="muted small"> · {a.sourceType}</span>
                          </Show>
                        </th>
                        <td class="num">{a.contacts}</td>
                        <td class="num">{a.conversations}</td>
                        <td class="num">{a.replied}</td>
                        <td class="num">{a.dealsWon}</td>
                        <td class="num">{formatMinorTotals(a.wonValue) || '—'}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </>
  );
}
