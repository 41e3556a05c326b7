import type { ExponentialHistogramDataPoint } from '../pdata/types.ts';

// Exponential histograms as classic `_bucket` series. The text formats have no native
// histograms, so each exponential bucket becomes an `le` bound: at scale s the base is
// 2^(2^-s) and positive bucket i holds (base^i, base^(i+1)], written `le="base^(i+1)"`;
// negative bucket j holds [-base^(j+1), -base^j), written `le="-base^j"`; the zero bucket is
// `le="<zero threshold>"`. Every bucket is a Prometheus series, so points are first brought
// down to `max_scale` (default 2: four buckets per doubling, bounds within 19% of each other),
// and a series keeps the lowest scale it has seen, so its `le` values stay stable.

export class ExpBuckets {
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  /** Counts by bucket index (sparse). */
  readonly positive = new Map<number, number>();
  readonly negative = new Map<number, number>();

  constructor(scale: number, zeroCount: number, zeroThreshold: number) {
    this.scale = scale;
    this.zeroCount = zeroCount;
    this.zeroThreshold = zeroThreshold;
  }

  /** Merges buckets pairwise until the scale is `scale` (no-op when already at or below it). */
  downscale(scale: number): void {
    if (scale >= this.scale) return;
    const shift = this.scale - scale;
    for (const m of [this.positive, this.negative]) {
      const entries = [...m];
      m.clear();
      for (const [i, c] of entries) {
        const j = Math.floor(i / 2 ** shift);
        m.set(j, (m.get(j) ?? 0) + c);
      }
    }
    this.scale = scale;
  }

  /** Adds another state's counts (a delta point) at the lower of the two scales. */
  add(other: ExpBuckets): void {
    const scale = Math.min(this.scale, other.scale);
    this.downscale(scale);
    other.downscale(scale);
    this.zeroCount += other.zeroCount;
    this.zeroThreshold = Math.max(this.zeroThreshold, other.zeroThreshold);
    for (const [i, c] of other.positive) this.positive.set(i, (this.positive.get(i) ?? 0) + c);
    for (const [i, c] of other.negative) this.negative.set(i, (this.negative.get(i) ?? 0) + c);
  }

  /** Classic buckets: ascending upper bounds and per-bucket counts (the +Inf bucket is not included). */
  classic(): { bounds: number[]; counts: number[] } {
    const bounds: number[] = [];
    const counts: number[] = [];
    // 2^(i·2^-s) rather than base^i: exact at whole powers of two (le="2", not 2.0000000000000004).
    const step = 2 ** -this.scale;
    if (this.negative.size > 0) {
      const [lo, hi] = range(this.negative);
      for (let j = hi; j >= lo; j--) {
        bounds.push(-(2 ** (j * step)));
        counts.push(this.negative.get(j) ?? 0);
      }
    }
    if (this.zeroCount > 0 || this.negative.size > 0) {
      bounds.push(this.zeroThreshold);
      counts.push(this.zeroCount);
    }
    if (this.positive.size > 0) {
      const [lo, hi] = range(this.positive);
      for (let i = lo; i <= hi; i++) {
        bounds.push(2 ** ((i + 1) * step));
        counts.push(this.positive.get(i) ?? 0);
      }
    }
    return { bounds, counts };
  }
}

function range(m: Map<number, number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of m.keys()) {
    if (i < lo) lo = i;
    if (i > hi) hi = i;
  }
  return [lo, hi];
}

/** A point's buckets, or a reason it is malformed (counts do not add up, scale out of range). */
export function fromPoint(p: ExponentialHistogramDataPoint, maxScale: number): ExpBuckets | string {
  if (!Number.isInteger(p.scale) || p.scale < -10 || p.scale > 20) return `scale ${p.scale} is outside -10..20`;
  const e = new ExpBuckets(p.scale, p.zeroCount, p.zeroThreshold);
  let total = p.zeroCount;
  for (const [src, dst] of [
    [p.positive, e.positive],
    [p.negative, e.negative],
  ] as const) {
    const counts = src.bucketCounts;
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k];
      if (c > 0) dst.set(src.offset + k, c);
      total += c;
    }
  }
  if (total !== p.count) return `bucket counts add up to ${total}, count is ${p.count}`;
  e.downscale(maxScale);
  return e;
}
