// Counters and histograms counted in plain numbers on the hot path and handed
// to prom-client only when /metrics is scraped. prom-client's own Counter and
// Histogram hash a label object on every event (sorting its keys, building a
// string, validating the names); at thousands of requests a second that was
// ≈7 % of Switchyard's CPU per request. These keep one series object per label
// combination in nested Maps, so an event is a few Map lookups and additions.
//
// Both implement what prom-client's Registry reads from a metric (`name`,
// `help`, `type`, `aggregator`, `get()`), so the exposition text, OpenMetrics
// and the cluster aggregation (cluster-metrics.ts) see ordinary metrics.

import type { Metric, MetricValue, Registry } from 'prom-client';

type Labels = Record<string, string>;

interface MetricData {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: Array<MetricValue<string> & { metricName?: string }>;
  aggregator: 'sum';
}

/** One series per combination of label values, found without building a key string. */
class SeriesTable<S> {
  private readonly root = new Map<string, unknown>();
  readonly all: S[] = [];

  constructor(private readonly labelNames: readonly string[], private readonly create: (labels: Labels) => S) {}

  /** The series for these label values (in `labelNames` order), created on first use. */
  find(values: readonly string[]): S {
    let level = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    let series = level.get(values[last]!) as S | undefined;
    if (series === undefined) {
      const labels: Labels = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i]!));
      series = this.create(labels);
      level.set(values[last]!, series);
      this.all.push(series);
    }
    return series;
  }
}

abstract class Tally {
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';

  constructor(readonly name: string, readonly help: string, registry: Registry) {
    registry.registerMetric(this as unknown as Metric);
  }

  abstract values(): MetricData['values'];

  /** What prom-client's Registry formats (and AggregatorRegistry sums across workers). */
  async get(): Promise<MetricData> {
    return { name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator };
  }
}

export class CounterTally extends Tally {
  readonly type = 'counter';
  private readonly table: SeriesTable<{ labels: Labels; value: number }>;

  constructor(name: string, help: string, labelNames: readonly string[], registry: Registry) {
    super(name, help, registry);
    this.table = new SeriesTable(labelNames, (labels) => ({ labels, value: 0 }));
  }

  inc(values: readonly string[], by = 1): void {
    this.table.find(values).value += by;
  }

  values(): MetricData['values'] {
    return this.table.all.map(({ labels, value }) => ({ labels, value }));
  }
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket, not cumulative (cumulated at scrape time). */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class HistogramTally extends Tally {
  readonly type = 'histogram';
  private readonly table: SeriesTable<HistogramSeries>;

  constructor(name: string, help: string, labelNames: readonly string[], private readonly buckets: readonly number[], registry: Registry) {
    super(name, help, registry);
    this.table = new SeriesTable(labelNames, (labels) => ({ labels, counts: new Float64Array(buckets.length), sum: 0, count: 0 }));
  }

  observe(values: readonly string[], value: number): void {
    const series = this.table.find(values);
    const { buckets } = this;
    let i = 0;
    while (i < buckets.length && value > buckets[i]!) i++;
    if (i < buckets.length) series.counts[i]!++;
    series.sum += value;
    series.count++;
  }

  /** The same shape prom-client's Histogram gives: `le` first, cumulative buckets, then `+Inf`, `_sum`, `_count`. */
  values(): MetricData['values'] {
    const out: MetricData['values'] = [];
    for (const { labels, counts, sum, count } of this.table.all) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += counts[i]!;
        out.push({ labels: { le, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      out.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      out.push({ labels, value: sum, metricName: `${this.name}_sum` });
      out.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return out;
  }
}
