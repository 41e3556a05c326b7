// Building one outgoing batch from several incoming ones.
import { Batch } from '../../pdata/batch.ts';
import { mergeData, splitData } from '../../pdata/ops.ts';
import type { Signal } from '../../pdata/types.ts';

/**
 * Merges batches of one signal. When none was decoded, the protobuf encodings are
 * concatenated: the fields of an Export*ServiceRequest are all repeated, and protobuf parses
 * concatenated messages as one message with the lists appended, so a pass-through pipeline
 * never decodes. The merged batch remembers where each request ends (Batch.sources), so that
 * a consumer that cannot decode it can still take the good requests one by one. Otherwise
 * the decoded structures are merged (records are not copied).
 */
export function mergeBatches(signal: Signal, batches: readonly Batch[], items: number): Batch {
  if (batches.length === 1) return batches[0];
  let allProto = true;
  for (const b of batches)
    if (b.decoded) {
      allProto = false;
      break;
    }
  if (allProto) {
    let size = 0;
    const parts: Uint8Array[] = new Array(batches.length);
    for (let i = 0; i < batches.length; i++) {
      parts[i] = batches[i].toProto();
      size += parts[i].length;
    }
    // Every byte is written below: no zero-fill (a merged batch is megabytes).
    const out = Buffer.allocUnsafeSlow(size);
    const bounds: number[] = [];
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      const inner = batches[i].bounds;
      // A source that was itself merged keeps its own sources' bounds.
      if (inner !== undefined) for (let k = 0; k < inner.length; k += 2) bounds.push(at + inner[k], inner[k + 1]);
      else bounds.push(at + parts[i].length, batches[i].items);
      out.set(parts[i], at);
      at += parts[i].length;
    }
    return Batch.merged(signal, out, items, bounds);
  }
  return Batch.of(
    signal,
    mergeData(
      signal,
      batches.map((b) => b.data),
    ),
    items,
  );
}

/** Splits a batch into pieces of at most maxItems items (decodes it). */
export function splitBatch(batch: Batch, maxItems: number): Batch[] {
  return splitData(batch.signal, batch.data, maxItems).map((d) => Batch.of(batch.signal, d));
}
