// opentelemetry/proto/common/v1 and resource/v1: AnyValue, KeyValue, InstrumentationScope,
// Resource. Tags are written as numbers (field << 3 | wire type) with the field in a comment.
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../types.ts';
import { segment, withSegment } from '../decode-path.ts';
import { MAX_DEPTH, type Reader } from './reader.ts';
import * as w from './writer.ts';

// ---- decode ----

export function decodeAnyValue(r: Reader, end: number): AnyValue {
  let out: AnyValue | undefined; // not `{}` up front: that is one more object per value
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      switch (tag) {
        case 10: // 1 string_value
          out = { stringValue: r.string() };
          break;
        case 16: // 2 bool_value
          out = { boolValue: r.bool() };
          break;
        case 24: // 3 int_value
          out = { intValue: r.int64() };
          break;
        case 33: // 4 double_value
          out = { doubleValue: r.double() };
          break;
        case 42: // 5 array_value
          out = { arrayValue: { values: decodeArrayValue(r, r.end()) } };
          break;
        case 50: // 6 kvlist_value
          out = { kvlistValue: { values: decodeKeyValueList(r, r.end()) } };
          break;
        case 58: // 7 bytes_value
          out = { bytesValue: r.bytes() };
          break;
        default:
          r.skip(tag & 7, field);
      }
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, ANY_FIELDS[field] ?? `field ${field}`);
  }
  return out ?? {};
}

const ANY_FIELDS = ['', 'string_value', 'bool_value', 'int_value', 'double_value', 'array_value', 'kvlist_value', 'bytes_value'];

function decodeArrayValue(r: Reader, end: number): AnyValue[] {
  if (++r.depth > MAX_DEPTH) throw r.fail(`values nested deeper than ${MAX_DEPTH} levels`);
  const values: AnyValue[] = [];
  try {
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === 10) values.push(decodeAnyValue(r, r.end()));
      else r.skip(tag & 7, tag >>> 3);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, segment('values', values.length));
  }
  r.depth--;
  return values;
}

function decodeKeyValueList(r: Reader, end: number): KeyValue[] {
  if (++r.depth > MAX_DEPTH) throw r.fail(`values nested deeper than ${MAX_DEPTH} levels`);
  const values: KeyValue[] = [];
  try {
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === 10) values.push(decodeKeyValue(r, r.end()));
      else r.skip(tag & 7, tag >>> 3);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, segment('values', values.length));
  }
  r.depth--;
  return values;
}

export function decodeKeyValue(r: Reader, end: number): KeyValue {
  let key = '';
  let value: AnyValue | undefined;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.tag();
      field = tag >>> 3;
      if (tag === 10) key = r.key(); // 1 key
      else if (tag === 18) value = decodeAnyValue(r, r.end()); // 2 value
      else r.skip(tag & 7, field);
    }
    r.checkEnd(end);
  } catch (e) {
    throw withSegment(e, field === 1 ? 'key' : field === 2 ? 'value' : `field ${field}`);
  }
  return { key, value: value ?? {} };
}

/** Appends one KeyValue (the tag has been read) to `list`, naming the element on failure. */
export function pushKeyValue(r: Reader, list: KeyValue[], name: string): void {
  try {
    list.push(decodeKeyValue(r, r.end()));
  } catch (e) {
    throw withSegment(e, segment(name, list.length));
  }
}

export function decodeResource(r: Reader, end: number): Resource {
  const res: Resource = { attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) pushKeyValue(r, res.attributes, 'attributes'); // 1 attributes
    else if (tag === 16) res.droppedAttributesCount = r.uint32(); // 2 dropped_attributes_count
    else r.skip(tag & 7, tag >>> 3);
  }
  r.checkEnd(end);
  return res;
}

export function decodeScope(r: Reader, end: number): InstrumentationScope {
  const scope: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 10: // 1 name
        scope.name = r.string();
        break;
      case 18: // 2 version
        scope.version = r.string();
        break;
      case 26: // 3 attributes
        pushKeyValue(r, scope.attributes, 'attributes');
        break;
      case 32: // 4 dropped_attributes_count
        scope.droppedAttributesCount = r.uint32();
        break;
      default:
        r.skip(tag & 7, tag >>> 3);
    }
  }
  r.checkEnd(end);
  return scope;
}

export function emptyResource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
}

// ---- encode ----

export function encodeAnyValue(v: AnyValue): void {
  if (v.stringValue !== undefined) w.stringField(10, v.stringValue);
  else if (v.intValue !== undefined) w.int64Field(24, v.intValue);
  else if (v.doubleValue !== undefined) w.doubleField(33, v.doubleValue);
  else if (v.boolValue !== undefined) w.varintField(16, v.boolValue ? 1 : 0);
  else if (v.arrayValue !== undefined) {
    const m = w.begin(42);
    const values = v.arrayValue.values;
    for (let i = 0; i < values.length; i++) {
      const e = w.begin(10);
      encodeAnyValue(values[i]);
      w.finish(e);
    }
    w.finish(m);
  } else if (v.kvlistValue !== undefined) {
    const m = w.begin(50);
    encodeAttributes(10, v.kvlistValue.values);
    w.finish(m);
  } else if (v.bytesValue !== undefined) w.bytesField(58, v.bytesValue);
}

/** Repeated KeyValue under tag `t`. The value is always written, like the Collector does. */
export function encodeAttributes(t: number, kvs: KeyValue[]): void {
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i];
    const m = w.begin(t);
    if (kv.key !== '') w.stringField(10, kv.key);
    const v = w.begin(18);
    encodeAnyValue(kv.value);
    w.finish(v);
    w.finish(m);
  }
}

/** Resource under tag `t`, omitted when empty. */
export function encodeResource(t: number, res: Resource): void {
  if (res.attributes.length === 0 && res.droppedAttributesCount === 0) return;
  const m = w.begin(t);
  encodeAttributes(10, res.attributes);
  if (res.droppedAttributesCount !== 0) w.varintField(16, res.droppedAttributesCount);
  w.finish(m);
}

/** InstrumentationScope under tag `t`, omitted when empty. */
export function encodeScope(t: number, s: InstrumentationScope): void {
  if (s.name === '' && s.version === '' && s.attributes.length === 0 && s.droppedAttributesCount === 0) return;
  const m = w.begin(t);
  if (s.name !== '') w.stringField(10, s.name);
  if (s.version !== '') w.stringField(18, s.version);
  encodeAttributes(26, s.attributes);
  if (s.droppedAttributesCount !== 0) w.varintField(32, s.droppedAttributesCount);
  w.finish(m);
}
