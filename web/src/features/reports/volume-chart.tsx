import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { createEffect, For, onCleanup, onMount } from 'solid-js';
import type { Report } from './reports.api';
import { dayToSeconds, volumeTotals } from './reports.models';

const OUTBOUND = '#6366f1';

/** Colours from the app's theme, so the chart follows light and dark mode. */
function theme(el: HTMLElement) {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { accent: v('--accent', '#0f766e'), muted: v('--muted', '#6b7280'), border: v('--border', '#e5e7eb') };
}

/** Messages in and out per day: a uPlot line chart, with its totals and a table for screen readers and tests. */
export function VolumeChart(props: { volume: Report['volume'] }) {
  let el!: HTMLDivElement;
  let plot: uPlot | undefined;
  const height = () => (el.clientWidth < 500 ? 200 : 260);
  const data = (): uPlot.AlignedData => [props.volume.map((v) => dayToSeconds(v.day)), props.volume.map((v) => v.inbound), props.volume.map((v) => v.outbound)];
  const totals = () => volumeTotals(props.volume);

  onMount(() => {
    const t = theme(el);
    const axis = { stroke: t.muted, grid: { stroke: t.border, width: 1 }, ticks: { stroke: t.border, width: 1 } };
    plot = new uPlot(
      {
        width: el.clientWidth,
        height: height(),
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.2))] } },
        axes: [axis, { ...axis, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] }],
        series: [
          {},
          { label: 'Received', stroke: t.accent, width: 2, fill: `${t.accent}22`, points: { size: 5 } },
          { label: 'Sent', stroke: OUTBOUND, width: 2, points: { size: 5 } },
        ],
        // Touch: tapping a day shows its values in the legend; no drag-zoom fighting the page scroll.
        cursor: { drag: { x: false, y: false } },
      },
      data(),
      el,
    );
    const resize = new ResizeObserver(() => plot?.setSize({ width: el.clientWidth, height: height() }));
    resize.observe(el);
    onCleanup(() => {
      resize.disconnect();
      plot?.destroy();
    });
  });
  createEffect(() => {
    const d = data(); // read first: tracked even before the plot exists
    plot?.setData(d);
  });

  return (
    <figure class="chart">
      <div ref={el} class="chart-canvas" role="img" aria-label={`Messages per day: ${totals().inbound} received and ${totals().outbound} sent in total`} data-testid="volume-chart" />
      <figcaption class="small muted">
        {totals().inbound} received · {totals().outbound} sent
      </figcaption>
      <details>
        <summary>Show as table</summary>
        <div class="table-scroll">
          <table class="data-table" aria-label="Messages by day">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" class="num">Received</th>
                <th scope="col" class="num">Sent</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.volume}>
                {(v) => (
                  <tr>
                    <th scope="row">{new Date(dayToSeconds(v.day) * 1000).toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })}</th>
                    <td class="num">{v.inbound}</td>
                    <td class="num">{v.outbound}</td>
                  </tr>
                )}
              </For>
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td class="num" data-testid="total-received">
                  {totals().inbound}
                </td>
                <td class="num" data-testid="total-sent">
                  {totals().outbound}
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      </details>
    </figure>
  );
}
