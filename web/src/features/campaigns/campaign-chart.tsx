import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { createEffect, onCleanup, onMount } from 'solid-js';
import type { CampaignReport } from './campaigns.api';
import { timelineData } from './campaigns.models';

const COLORS = { delivered: '#6366f1', read: '#0ea5e9', replied: '#f59e0b' };

/** Sent, delivered, read and replied per time bucket: a uPlot chart (its own chunk, loaded with the report). */
export default function CampaignChart(props: { timeline: CampaignReport['timeline'] }) {
  let el!: HTMLDivElement;
  let plot: uPlot | undefined;
  const height = () => (el.clientWidth < 500 ? 180 : 240);
  const pad = () => Math.max(60, props.timeline.bucketMs / 1000);
  const total = () => props.timeline.points.reduce((n, p) => n + p.sent, 0);

  onMount(() => {
    const css = getComputedStyle(el);
    const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const accent = v('--accent', '#0f766e');
    const axis = { stroke: v('--muted', '#6b7280'), grid: { stroke: v('--border', '#e5e7eb'), width: 1 }, ticks: { stroke: v('--border', '#e5e7eb'), width: 1 } };
    plot = new uPlot(
      {
        width: el.clientWidth,
        height: height(),
        scales: {
          // From the data, one bucket either side: with a single point uPlot would otherwise span 1000 days.
          x: {
            time: true,
            range: (u, min, max) => {
              const xs = u.data[0];
              return xs.length ? [xs[0]! - pad(), xs[xs.length - 1]! + pad()] : [min, max];
            },
          },
          y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.2))] },
        },
        axes: [axis, { ...axis, size: 44 }],
        series: [
          {},
          { label: 'Sent', stroke: accent, width: 2, fill: `${accent}22`, points: { size: 4 } },
          { label: 'Delivered', stroke: COLORS.delivered, width: 2, points: { size: 4 } },
          { label: 'Read', stroke: COLORS.read, width: 2, points: { size: 4 } },
          { label: 'Replied', stroke: COLORS.replied, width: 2, points: { size: 4 } },
        ],
        // Touch: a tap shows the bucket's values; no drag-zoom fighting the page scroll.
        cursor: { drag: { x: false, y: false } },
      },
      timelineData(props.timeline),
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
    const d = timelineData(props.timeline); // read first: tracked even before the plot exists
    plot?.setData(d);
  });

  return <div ref={el} class="chart-canvas" role="img" aria-label={`Messages over time: ${total()} sent`} data-testid="campaign-chart" />;
}
