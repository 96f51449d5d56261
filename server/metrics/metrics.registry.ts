/*
 * A small Prometheus registry (text exposition format 0.0.4). Hot paths hold a bound child (`family.with(…)`)
 * and pay one property add per event: no label lookup, no string building. Text is built only on scrape.
 */

export type LabelValues = Readonly<Record<string, string>>;
type Kind = 'counter' | 'gauge' | 'histogram';

/** Latency buckets in seconds, from 1 ms (a group commit) to 10 s. */
export const DEFAULT_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** The Content-Type of the text format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class CounterChild {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class GaugeChild {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
}

export class HistogramChild {
  /** Per-bucket (not cumulative) counts; the last slot holds what is above every bound. */
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }
  observe(v: number): void {
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

/** One metric name: children per label set, plus the unlabelled child for metrics without labels. */
export interface Family<C> {
  readonly name: string;
  /** The child of one label set, created on first use; hot paths keep it instead of calling `with` again. */
  with(labels?: LabelValues): C;
  /** The child without labels. */
  readonly self: C;
  /** Drops every child: for gauges recomputed on each scrape (never reset a family whose children are held). */
  reset(): void;
}

/** `\`, `"` and newlines escaped, as the format requires inside a label value. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Numbers as Prometheus reads them (`+Inf`, `-Inf`, `NaN`). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(labels: LabelValues, extra?: string): string {
  const parts = Object.keys(labels).map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Counters, gauges and histograms with labels, and collectors that refresh gauges right before a scrape. */
export function createRegistry() {
  const families: { name: string; help: string; kind: Kind; lines: () => string[] }[] = [];
  const collectors: (() => void)[] = [];

  function family<C>(name: string, help: string, kind: Kind, make: () => C, lines: (sel: string, labels: LabelValues, c: C) => string[]): Family<C> {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    if (families.some((f) => f.name === name)) throw new Error(`metric ${name} registered twice`);
    const children = new Map<string, { labels: LabelValues; child: C }>();
    const withLabels = (labels: LabelValues = {}): C => {
      const key = labelText(labels);
      let entry = children.get(key);
      if (!entry) {
        const bad = Object.keys(labels).find((k) => !LABEL_NAME.test(k) || k === 'le');
        if (bad !== undefined) throw new Error(`invalid label name ${bad} on ${name}`);
        children.set(key, (entry = { labels: { ...labels }, child: make() }));
      }
      return entry.child;
    };
    families.push({ name, help, kind, lines: () => [...children.entries()].flatMap(([sel, e]) => lines(sel, e.labels, e.child)) });
    return {
      name,
      with: withLabels,
      get self() {
        return withLabels();
      },
      reset: () => children.clear(),
    };
  }

  const single = (name: string) => (sel: string, _l: LabelValues, c: { value: number }) => [`${name}${sel} ${formatValue(c.value)}`];

  return {
    counter: (name: string, help: string): Family<CounterChild> => family(name, help, 'counter', () => new CounterChild(), single(name)),

    gauge: (name: string, help: string): Family<GaugeChild> => family(name, help, 'gauge', () => new GaugeChild(), single(name)),

    histogram(name: string, help: string, buckets: readonly number[] = DEFAULT_BUCKETS): Family<HistogramChild> {
      const bounds = [...buckets].sort((a, b) => a - b);
      return family(name, help, 'histogram', () => new HistogramChild(bounds), (sel, l, c) => {
        // Buckets are cumulative in the format: each `le` counts everything at or below it.
        let cumulative = 0;
        const out = bounds.map((b, i) => `${name}_bucket${labelText(l, `le="${formatValue(b)}"`)} ${(cumulative += c.counts[i]!)}`);
        out.push(`${name}_bucket${labelText(l, 'le="+Inf"')} ${c.count}`, `${name}_sum${sel} ${formatValue(c.sum)}`, `${name}_count${sel} ${c.count}`);
        return out;
      });
    },

    /** Runs before every render: sets gauges read from the database or the process. */
    collect(fn: () => void): void {
      collectors.push(fn);
    },

    /** The exposition text. Collectors run first; one that throws leaves its gauges as they were. */
    render(onError: (err: unknown) => void = () => {}): string {
      for (const fn of collectors) {
        try {
          fn();
        } catch (err) {
          onError(err);
        }
      }
      const out: string[] = [];
      for (const f of families) {
        out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.kind}`, ...f.lines());
      }
      return out.join('\n') + '\n';
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
