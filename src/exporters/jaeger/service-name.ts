import { Batch } from '../../pdata/batch.ts';
import type { KeyValue, TracesData } from '../../pdata/types.ts';

// Jaeger files every trace under its service and shows resources without `service.name`
// under a placeholder. The exporter names them itself, without touching batches that are
// fine: for a protobuf batch only each resource's attribute keys are read (the spans are
// skipped by length), so a well-formed batch goes out as the bytes it came in as.

const SERVICE_NAME = Buffer.from('service.name');

/** The batch, or a copy whose resources without a (non-empty) service.name get `name`. */
export function withServiceName(batch: Batch<'traces'>, name: string): { batch: Batch<'traces'>; added: number } {
  if (!batch.decoded && protoHasServiceNames(batch.toProto())) return { batch, added: 0 };
  const data = batch.data;
  let added = 0;
  const resourceSpans = data.resourceSpans.map((rs) => {
    if (hasServiceName(rs.resource.attributes)) return rs;
    added++;
    const attributes: KeyValue[] = rs.resource.attributes.filter((kv) => kv.key !== 'service.name');
    attributes.push({ key: 'service.name', value: { stringValue: name } });
    return { ...rs, resource: { ...rs.resource, attributes } };
  });
  if (added === 0) return { batch, added };
  const patched: TracesData = { resourceSpans };
  return { batch: Batch.of('traces', patched, batch.items), added };
}

function hasServiceName(attrs: KeyValue[]): boolean {
  for (const kv of attrs) {
    if (kv.key !== 'service.name') continue;
    const v = kv.value;
    return v.stringValue === undefined ? Object.values(v).some((x) => x !== undefined) : v.stringValue !== '';
  }
  return false;
}

/**
 * True when every ResourceSpans of an encoded ExportTraceServiceRequest has a service.name
 * that is a non-empty string (or any non-string value). False also when the bytes are
 * malformed: the caller then decodes, and the decoder reports the problem.
 */
export function protoHasServiceNames(buf: Uint8Array): boolean {
  const r = new Walker(buf);
  try {
    while (r.pos < buf.length) {
      const tag = r.varint();
      if (tag !== 0x0a) {
        r.skip(tag & 7);
        continue;
      } // resource_spans = 1
      const rsEnd = r.lenEnd();
      let named = false;
      while (r.pos < rsEnd) {
        const t = r.varint();
        if (t !== 0x0a) {
          r.skip(t & 7);
          continue;
        } // resource = 1
        const resEnd = r.lenEnd();
        while (r.pos < resEnd) {
          const t2 = r.varint();
          if (t2 !== 0x0a) {
            r.skip(t2 & 7);
            continue;
          } // attributes = 1 (KeyValue)
          const kvEnd = r.lenEnd();
          if (r.keyIsServiceName(kvEnd) && r.valueIsNonEmpty(kvEnd)) named = true;
          r.pos = kvEnd;
        }
      }
      if (r.pos !== rsEnd || !named) return false;
    }
    return r.pos === buf.length;
  } catch {
    return false;
  }
}

/** Just enough of the protobuf wire format to walk the messages above. */
class Walker {
  readonly buf: Uint8Array;
  pos = 0;
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new RangeError('truncated');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new RangeError('varint too long');
  }

  /** Reads a length and returns where the field ends. */
  lenEnd(): number {
    const len = this.varint(); // read before this.pos: the varint moves it
    const end = this.pos + len;
    if (end > this.buf.length) throw new RangeError('truncated');
    return end;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos = this.lenEnd();
    else if (wire === 5) this.pos += 4;
    else throw new RangeError('bad wire type');
    if (this.pos > this.buf.length) throw new RangeError('truncated');
  }

  /** Field 1 of the KeyValue at pos is `service.name`; leaves pos after it. */
  keyIsServiceName(end: number): boolean {
    while (this.pos < end) {
      const tag = this.varint();
      if (tag !== 0x0a) {
        this.skip(tag & 7);
        continue;
      }
      const keyEnd = this.lenEnd();
      const start = this.pos;
      this.pos = keyEnd;
      return keyEnd - start === SERVICE_NAME.length && SERVICE_NAME.equals(this.buf.subarray(start, keyEnd));
    }
    return false;
  }

  /** Field 2 (the AnyValue) is set and is not an empty string. */
  valueIsNonEmpty(end: number): boolean {
    while (this.pos < end) {
      const tag = this.varint();
      if (tag !== 0x12) {
        this.skip(tag & 7);
        continue;
      }
      const valueEnd = this.lenEnd();
      if (this.pos === valueEnd) return false; // an empty AnyValue
      const inner = this.varint();
      if (inner !== 0x0a) return true; // not string_value: some other value is set
      return this.varint() > 0;
    }
    return false;
  }
}
