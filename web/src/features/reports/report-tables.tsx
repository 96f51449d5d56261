import { For, Show, type JSX } from 'solid-js';
import type { Report, ResponseRow } from './reports.api';
import { formatAmount, formatMinutes } from './reports.models';

/** A table cell with a horizontal bar behind its value: a bar chart that is still a readable table. */
function BarCell(props: { value: number | null; max: number; children: JSX.Element; tone?: 'alt' }) {
  const pct = () => (props.value && props.max > 0 ? Math.max(2, (props.value / props.max) * 100) : 0);
  return (
    <td class="num bar-cell">
      <span class={`bar ${props.tone ?? ''}`} style={{ width: `${pct()}%` }} aria-hidden="true" />
      <span class="bar-value">{props.children}</span>
    </td>
  );
}

const maxOf = (values: (number | null)[]) => Math.max(0, ...values.map((v) => v ?? 0));

/** First-response and resolution medians per agent or team (cycles resolved in the range). */
export function ResponseTable(props: { rows: ResponseRow[]; who: string; nobody: string }) {
  const maxFirst = () => maxOf(props.rows.map((r) => r.firstResponseMedianMinutes));
  const maxResolution = () => maxOf(props.rows.map((r) => r.resolutionMedianMinutes));
  return (
    <Show when={props.rows.length} fallback={<p class="muted">No conversations were resolved in this period.</p>}>
      <div class="table-scroll">
        <table class="data-table bars" aria-label={`Response times by ${props.who.toLowerCase()}`}>
          <thead>
            <tr>
              <th scope="col">{props.who}</th>
              <th scope="col" class="num">Resolved</th>
              <th scope="col" class="num">First reply (median)</th>
              <th scope="col" class="num">Resolution (median)</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(r) => (
                <tr>
                  <th scope="row">{r.name ?? props.nobody}</th>
                  <td class="num">{r.resolved}</td>
                  <BarCell value={r.firstResponseMedianMinutes} max={maxFirst()}>
                    {formatMinutes(r.firstResponseMedianMinutes)}
                  </BarCell>
                  <BarCell value={r.resolutionMedianMinutes} max={maxResolution()} tone="alt">
                    {formatMinutes(r.resolutionMedianMinutes)}
                  </BarCell>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}

/** Open deals per pipeline stage: how many and what they are worth (one line per currency). */
export function StagesTable(props: { rows: Report['openByStage'] }) {
  const max = () => maxOf(props.rows.map((r) => r.deals));
  return (
    <Show when={props.rows.length} fallback={<p class="muted">No pipelines yet.</p>}>
      <div class="table-scroll">
        <table class="data-table bars" aria-label="Open deals by stage">
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col" class="num">Deals</th>
              <th scope="col" class="num">Value</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(r) => (
                <tr>
                  <th scope="row">
                    <span class="muted small">{r.pipelineName} · </span>
                    {r.stageName}
                  </th>
                  <BarCell value={r.deals} max={max()}>
                    {r.deals}
                  </BarCell>
                  <td class="num">{r.deals ? formatAmount(r.amount, r.currency) : '—'}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}

/** Deals won in the range per pipeline (one line per currency). */
export function WonTable(props: { rows: Report['wonByPipeline'] }) {
  const max = () => maxOf(props.rows.map((r) => Number(r.amount)));
  return (
    <Show when={props.rows.length} fallback={<p class="muted">No deals were won in this period.</p>}>
      <div class="table-scroll">
        <table class="data-table bars" aria-label="Won by pipeline">
          <thead>
            <tr>
              <th scope="col">Pipeline</th>
              <th scope="col" class="num">Deals</th>
              <th scope="col" class="num">Won value</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>
              {(r) => (
                <tr>
                  <th scope="row">{r.pipelineName}</th>
                  <td class="num">{r.deals}</td>
                  <BarCell value={Number(r.amount)} max={max()}>
                    {formatAmount(r.amount, r.currency)}
                  </BarCell>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
