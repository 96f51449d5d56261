import { createEffect, createResource, For, lazy, on, Show, Suspense } from 'solid-js';
import { errorMessage } from '../../ui/action';
import { ErrorLine } from '../../ui/error-line';
import { formatMinorTotals } from '../deals/deals.models';
import { fetchCampaignReport } from './campaigns.api';
import { reasonLabel, reportCounters } from './campaigns.models';
import { RecipientsLog } from './recipients-log';

// The chart library comes in its own chunk, only when a report is opened.
const CampaignChart = lazy(() => import('./campaign-chart'));

/** A campaign's report: counters with rates, the timeline, failures and skips by reason, conversions, the recipient log. */
export function CampaignReport(props: { campaignId: string; tick: number; canExport: boolean }) {
  const [report, { refetch }] = createResource(() => props.campaignId, fetchCampaignReport);
  createEffect(on(() => props.tick, () => void refetch(), { defer: true }));
  const data = () => (report.state === 'ready' || report.state === 'refreshing' ? report.latest : undefined);

  return (
    <>
      <ErrorLine message={report.state === 'errored' ? errorMessage(report.error) : null} />
      <Show when={data()} fallback={<p class="muted">{report.state === 'errored' ? '' : 'Loading the report…'}</p>}>
        {(r) => (
          <>
            <section aria-label="Counters">
              <ul class="stat-grid campaign-counters">
                <For each={reportCounters(r())}>
                  {(c) => (
                    <li class="stat-card" data-testid={`counter-${c.id}`}>
                      <span class="stat-value">{c.value}</span>
                      <span class="stat-label">
                        {c.label}
                        <Show when={c.rate}>
                          <span class="stat-rate"> · {c.rate}</span>
                        </Show>
                      </span>
                    </li>
                  )}
                </For>
              </ul>
              <Show when={r().conversions.deals}>
                <p class="small page-note conversions">
                  {r().conversions.deals} deal{r().conversions.deals === 1 ? '' : 's'} won by recipients
                  <Show when={r().conversions.value.length}> · {formatMinorTotals(r().conversions.value)}</Show>
                </p>
              </Show>
            </section>
            <section class="card" aria-labelledby="timeline-title">
              <h2 id="timeline-title">Over time</h2>
              <Show when={r().timeline.points.length} fallback={<p class="muted small">Nothing sent yet.</p>}>
                <figure class="chart">
                  <Suspense fallback={<div class="chart-canvas" />}>
                    <CampaignChart timeline={r().timeline} />
                  </Suspense>
                  <figcaption class="small muted">Per {Math.round(r().timeline.bucketMs / 60_000) >= 60 ? `${Math.round(r().timeline.bucketMs / 3_600_000)} h` : `${Math.max(1, Math.round(r().timeline.bucketMs / 60_000))} min`}</figcaption>
                </figure>
              </Show>
            </section>
            <div class="reason-tables">
              <section class="card" aria-labelledby="failures-title">
                <h2 id="failures-title">Failures</h2>
                <ReasonTable label="Failures by reason" rows={r().failures.map((f) => ({ reason: f.reason, code: f.code, count: f.count }))} empty="No failures." />
              </section>
              <section class="card" aria-labelledby="skipped-title">
                <h2 id="skipped-title">Skipped</h2>
                <ReasonTable label="Skipped by reason" rows={r().skipped.map((s) => ({ reason: reasonLabel(s.reason), code: null, count: s.count }))} empty="Nobody was skipped." />
              </section>
            </div>
          </>
        )}
      </Show>
      <RecipientsLog campaignId={props.campaignId} tick={props.tick} canExport={props.canExport} />
    </>
  );
}

function ReasonTable(props: { label: string; rows: { reason: string; code: number | null; count: number }[]; empty: string }) {
  return (
    <Show when={props.rows.length} fallback={<p class="muted small">{props.empty}</p>}>
      <div class="table-scroll">
        <table class="data-table" aria-label={props.label}>
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col" class="num">Recipients</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(row) => (
                <tr>
                  <td class="wrap">
                    <Show when={row.code !== null}>
                      <span class="muted">#{row.code} </span>
                    </Show>
                    {row.reason}
                  </td>
                  <td class="num">{row.count}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
