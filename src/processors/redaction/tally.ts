// What the scrubber found in one record (or one resource or scope): counts per label, whether
// the record must be dropped, and, for `summary: debug`, the keys that were changed. One
// tally is reused for every record of a batch.

export class Tally {
  readonly counts: Int32Array;
  total = 0;
  dropRecord = false;
  /** Keys changed, only collected when `collectKeys` (summary: debug). */
  readonly keys: string[] = [];
  readonly collectKeys: boolean;

  constructor(labels: number, collectKeys: boolean) {
    this.counts = new Int32Array(labels);
    this.collectKeys = collectKeys;
  }

  count(label: number): void {
    this.counts[label]++;
    this.total++;
  }

  key(key: string): void {
    if (this.collectKeys && !this.keys.includes(key)) this.keys.push(key);
  }

  reset(): void {
    if (this.total !== 0) this.counts.fill(0);
    this.total = 0;
    this.dropRecord = false;
    if (this.keys.length !== 0) this.keys.length = 0;
  }
}
