import { describe, expect, it } from 'vitest';
import { createRegistry, escapeLabelValue, formatValue } from './metrics.registry.js';

/** The sample lines of a rendering (no comments), as `name{labels} value` strings. */
const samples = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

describe('metrics registry', () => {
  it('renders counters and gauges with HELP and TYPE, one line per label set', () => {
    const r = createRegistry();
    const requests = r.counter('demo_requests_total', 'Requests by outcome.');
    const accepted = requests.with({ outcome: 'accepted' });
    accepted.inc();
    accepted.inc(2);
    requests.with({ outcome: 'rejected' }).inc();
    r.gauge('demo_temperature', 'A gauge without labels.').self.set(-1.5);
    const text = r.render();
    expect(text).toBe(
      [
        '# HELP demo_requests_total Requests by outcome.',
        '# TYPE demo_requests_total counter',
        'demo_requests_total{outcome="accepted"} 3',
        'demo_requests_total{outcome="rejected"} 1',
        '# HELP demo_temperature A gauge without labels.',
        '# TYPE demo_temperature gauge',
        'demo_temperature -1.5',
        '',
      ].join('\n'),
    );
  });

  it('hands out the same child for the same labels, so a bound child keeps counting', () => {
    const r = createRegistry();
    const c = r.counter('demo_total', 'x');
    const bound = c.with({ a: '1', b: '2' });
    bound.inc();
    c.with({ a: '1', b: '2' }).inc();
    expect(bound.value).toBe(2);
    expect(samples(r.render())).toEqual(['demo_total{a="1",b="2"} 2']);
  });

  it('escapes backslashes, double quotes and newlines in label values, and in HELP', () => {
    expect(escapeLabelValue('C:\\dir "quoted"\nnext')).toBe('C:\\\\dir \\"quoted\\"\\nnext');
    const r = createRegistry();
    r.counter('demo_errors_total', 'Errors\nby "code" \\ path').with({ code: 'a"b\\c\nd' }).inc();
    const text = r.render();
    expect(text).toContain('# HELP demo_errors_total Errors\\nby "code" \\\\ path\n');
    expect(samples(text)).toEqual(['demo_errors_total{code="a\\"b\\\\c\\nd"} 1']);
  });

  it('renders histogram buckets cumulatively, ending with +Inf = count, then sum and count', () => {
    const r = createRegistry();
    const h = r.histogram('demo_seconds', 'Latency.', [0.1, 0.01, 1]).with({ route: 'x' });
    for (const v of [0.005, 0.01, 0.05, 0.5, 3, 7]) h.observe(v);
    expect(samples(r.render())).toEqual([
      'demo_seconds_bucket{route="x",le="0.01"} 2', // 0.01 itself falls in le="0.01" (upper bounds are inclusive)
      'demo_seconds_bucket{route="x",le="0.1"} 3',
      'demo_seconds_bucket{route="x",le="1"} 4',
      'demo_seconds_bucket{route="x",le="+Inf"} 6',
      'demo_seconds_sum{route="x"} 10.565',
      'demo_seconds_count{route="x"} 6',
    ]);
  });

  it('renders an unlabelled histogram with only le on the buckets', () => {
    const r = createRegistry();
    r.histogram('demo_seconds', 'Latency.', [1]).self.observe(2);
    expect(samples(r.render())).toEqual(['demo_seconds_bucket{le="1"} 0', 'demo_seconds_bucket{le="+Inf"} 1', 'demo_seconds_sum 2', 'demo_seconds_count 1']);
  });

  it('formats special values the way Prometheus parses them', () => {
    expect([Infinity, -Infinity, NaN, 0, 1e21].map(formatValue)).toEqual(['+Inf', '-Inf', 'NaN', '0', '1e+21']);
  });

  it('runs collectors before rendering; one that throws is reported and the rest still render', () => {
    const r = createRegistry();
    const g = r.gauge('demo_depth', 'Queue depth.');
    let calls = 0;
    r.collect(() => {
      g.reset();
      g.with({ queue: `q${++calls}` }).set(calls);
    });
    r.collect(() => {
      throw new Error('database is locked');
    });
    const errors: unknown[] = [];
    expect(samples(r.render((e) => errors.push(e)))).toEqual(['demo_depth{queue="q1"} 1']);
    expect(samples(r.render((e) => errors.push(e)))).toEqual(['demo_depth{queue="q2"} 2']);
    expect(errors).toHaveLength(2);
  });

  it('refuses duplicate metric names and invalid metric or label names', () => {
    const r = createRegistry();
    r.counter('demo_total', 'x');
    expect(() => r.gauge('demo_total', 'x')).toThrow(/registered twice/);
    expect(() => r.counter('demo-total', 'x')).toThrow(/invalid metric name/);
    expect(() => r.counter('demo_other_total', 'x').with({ 'bad-label': 'v' })).toThrow(/invalid label name/);
    expect(() => r.histogram('demo_h', 'x').with({ le: '1' })).toThrow(/invalid label name/);
  });
});
