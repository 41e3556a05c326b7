// The field table: every message the codecs handle, with each field's number, wire type, tag,
// JSON name, model property and representation. Built from the vendored .proto files plus
// the model rules in model.ts; every emitter works from this one table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProto, type ProtoEnum, type ProtoFile, type ProtoMessage } from './proto-parser.ts';
import { FIELDS, MESSAGES, PROTO_DIR, PROTO_FILES, ROOTS, SAME_WIRE, TYPE_NAMES } from './model.ts';

const PREFIX = 'opentelemetry.proto.';

/** How a field's value is read, written and held in the model. */
export type Repr =
  | 'string'
  | 'key'
  | 'bytes'
  | 'hex16'
  | 'hex8'
  | 'bool'
  | 'int32'
  | 'enum'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'fixed64'
  | 'fixed64n'
  | 'sfixed64'
  | 'int64'
  | 'int64n'
  | 'uint64n'
  | 'double'
  | 'message';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export interface Field {
  owner: Message;
  /** The proto name (snake_case); error paths of the protobuf codec use it. */
  name: string;
  /** The OTLP/JSON name (lowerCamelCase). */
  json: string;
  /** The model's property. */
  prop: string;
  number: number;
  repeated: boolean;
  repr: Repr;
  /** The proto scalar type, or the message's full name. */
  protoType: string;
  message: Message | undefined;
  enumDef: EnumDef | undefined;
  /** The oneof this field is a member of. */
  oneof: string | undefined;
  /** proto3 `optional` (explicit presence): `undefined` in the model when absent. */
  optional: boolean;
  /** For singular message fields outside a oneof: see FieldRule.presence. */
  presence: 'default' | 'always' | 'optional';
  item: boolean;
  jsonAlways: boolean;
  wire: number;
  /** number << 3 | wire. */
  tag: number;
  /** For repeated numeric scalars: the tag of the packed form (wire type 2). */
  packedTag: number | undefined;
}

export interface Message {
  fullName: string;
  /** Without the `opentelemetry.proto.` prefix, e.g. `trace.v1.Span.Event`. */
  key: string;
  /** The last part of the name, e.g. `Event`. */
  shortName: string;
  /** The TypeScript type of the model object. */
  ts: string;
  /** Suffix of the generated functions: decodeSpanEvent, scanSpanEvent ... */
  fn: string;
  /** Fields in declaration order (the order OTLP/JSON writers use). */
  fields: Field[];
  /** Fields by ascending number (the order protobuf writers use). */
  byNumber: Field[];
  /** Oneof name -> members, in declaration order. */
  oneofs: Map<string, Field[]>;
  sparse: boolean;
  depth: boolean;
  /** True when items (spans, log records, data points) are inside: its scan returns a count. */
  counts: boolean;
}

export interface EnumDef {
  fullName: string;
  /** Short name, e.g. `SpanKind`. */
  name: string;
  values: Array<{ name: string; number: number }>;
}

export interface Table {
  /** Reachable messages, in a stable order (roots first, then as reached). */
  messages: Message[];
  byKey: Map<string, Message>;
  enums: EnumDef[];
  /** The vendored release, from vendor/opentelemetry-proto/VERSION. */
  version: string;
}

const SCALARS: Record<string, { repr: Repr; wire: number }> = {
  string: { repr: 'string', wire: WIRE_LEN },
  bytes: { repr: 'bytes', wire: WIRE_LEN },
  bool: { repr: 'bool', wire: WIRE_VARINT },
  int32: { repr: 'int32', wire: WIRE_VARINT },
  uint32: { repr: 'uint32', wire: WIRE_VARINT },
  sint32: { repr: 'sint32', wire: WIRE_VARINT },
  int64: { repr: 'int64', wire: WIRE_VARINT },
  uint64: { repr: 'uint64n', wire: WIRE_VARINT },
  fixed32: { repr: 'fixed32', wire: WIRE_I32 },
  fixed64: { repr: 'fixed64', wire: WIRE_I64 },
  sfixed64: { repr: 'sfixed64', wire: WIRE_I64 },
  double: { repr: 'double', wire: WIRE_I64 },
};

/** Types the model rules may put in place of a field's default representation. */
const OVERRIDES: Record<string, Repr[]> = {
  bytes: ['hex16', 'hex8'],
  fixed64: ['fixed64n'],
  int64: ['int64n'],
  string: ['key'],
};

function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const short = (fullName: string): string => (fullName.startsWith(PREFIX) ? fullName.slice(PREFIX.length) : fullName);

/** Reads and parses the vendored files. */
export function loadProtoFiles(root: string): ProtoFile[] {
  return PROTO_FILES.map((f) => parseProto(readFileSync(join(root, PROTO_DIR, f), 'utf8'), f));
}

/** Resolves a type reference as protoc does: innermost scope first, then outwards. */
function resolve<T>(ref: string, scope: string, all: Map<string, T>): [string, T] | undefined {
  if (ref.startsWith('.')) {
    const hit = all.get(ref.slice(1));
    return hit === undefined ? undefined : [ref.slice(1), hit];
  }
  const parts = scope.split('.');
  for (let n = parts.length; n >= 0; n--) {
    const name = [...parts.slice(0, n), ref].join('.');
    const hit = all.get(name);
    if (hit !== undefined) return [name, hit];
  }
  return undefined;
}

export function buildTable(files: ProtoFile[], version: string): Table {
  const protoMessages = new Map<string, ProtoMessage>();
  const protoEnums = new Map<string, ProtoEnum>();
  for (const f of files) {
    for (const m of f.messages) protoMessages.set(m.fullName, m);
    for (const e of f.enums) protoEnums.set(e.fullName, e);
  }
  const table: Table = { messages: [], byKey: new Map(), enums: [], version };
  const enumDefs = new Map<string, EnumDef>();

  const enumOf = (fullName: string): EnumDef => {
    let e = enumDefs.get(fullName);
    if (e === undefined) {
      const p = protoEnums.get(fullName)!;
      e = { fullName, name: fullName.slice(fullName.lastIndexOf('.') + 1), values: p.values };
      enumDefs.set(fullName, e);
      table.enums.push(e);
    }
    return e;
  };

  const messageOf = (fullName: string): Message => {
    const key = short(fullName);
    const known = table.byKey.get(key);
    if (known !== undefined) return known;
    const p = protoMessages.get(fullName);
    if (p === undefined) throw new Error(`message ${fullName} is not in the vendored .proto files`);
    const shortName = fullName.slice(fullName.lastIndexOf('.') + 1);
    const ts = TYPE_NAMES[key] ?? shortName;
    const rule = MESSAGES[key] ?? {};
    const msg: Message = {
      fullName,
      key,
      shortName,
      ts,
      fn: '',
      fields: [],
      byNumber: [],
      oneofs: new Map(),
      sparse: rule.sparse === true,
      depth: rule.depth === true,
      counts: false,
    };
    table.byKey.set(key, msg);
    table.messages.push(msg);
    // The scope of nested type references is the message itself.
    for (const pf of p.fields) {
      const rule = FIELDS[`${key}.${pf.name}`] ?? {};
      const scalar = SCALARS[pf.type];
      let repr: Repr;
      let wire: number;
      let message: Message | undefined;
      let enumDef: EnumDef | undefined;
      if (scalar !== undefined) {
        repr = scalar.repr;
        wire = scalar.wire;
        if (rule.repr !== undefined) {
          if (!(OVERRIDES[pf.type] ?? []).includes(rule.repr)) throw new Error(`${key}.${pf.name}: ${pf.type} cannot be represented as ${rule.repr}`);
          repr = rule.repr;
        }
      } else {
        const asMessage = resolve(pf.type, fullName, protoMessages);
        const asEnum = resolve(pf.type, fullName, protoEnums);
        if (asMessage !== undefined) {
          repr = 'message';
          wire = WIRE_LEN;
          message = messageOf(asMessage[0]);
        } else if (asEnum !== undefined) {
          repr = 'enum';
          wire = WIRE_VARINT;
          enumDef = enumOf(asEnum[0]);
        } else throw new Error(`${key}.${pf.name}: unknown type ${pf.type}`);
        if (rule.repr !== undefined) throw new Error(`${key}.${pf.name}: a ${pf.type} field takes no repr rule`);
      }
      const numeric = wire !== WIRE_LEN;
      if (pf.repeated && numeric && pf.packed === false) throw new Error(`${key}.${pf.name}: [packed = false] is not supported`);
      if (rule.presence !== undefined && (repr !== 'message' || pf.repeated || pf.oneof !== undefined)) {
        throw new Error(`${key}.${pf.name}: presence rules are for singular message fields outside a oneof`);
      }
      const field: Field = {
        owner: msg,
        name: pf.name,
        json: lowerCamel(pf.name),
        prop: rule.prop ?? lowerCamel(pf.name),
        number: pf.number,
        repeated: pf.repeated,
        repr,
        protoType: message?.fullName ?? enumDef?.fullName ?? pf.type,
        message,
        enumDef,
        oneof: pf.oneof,
        optional: pf.optional,
        presence: rule.presence ?? 'default',
        item: rule.item === true,
        jsonAlways: rule.jsonAlways === true,
        wire,
        tag: (pf.number << 3) | wire,
        packedTag: pf.repeated && numeric ? (pf.number << 3) | WIRE_LEN : undefined,
      };
      if (field.item && !(pf.repeated && repr === 'message')) throw new Error(`${key}.${pf.name}: only a repeated message field holds items`);
      msg.fields.push(field);
      if (pf.oneof !== undefined) {
        const members = msg.oneofs.get(pf.oneof) ?? [];
        members.push(field);
        msg.oneofs.set(pf.oneof, members);
      }
    }
    msg.byNumber = [...msg.fields].sort((a, b) => a.number - b.number);
    if (msg.sparse && (msg.oneofs.size !== 1 || msg.fields.some((f) => f.oneof === undefined))) {
      throw new Error(`${key}: a sparse message must be a single oneof`);
    }
    return msg;
  };

  for (const root of ROOTS) messageOf(PREFIX + root);
  for (const [request, data] of Object.entries(SAME_WIRE)) {
    const a = protoMessages.get(PREFIX + request);
    const b = protoMessages.get(PREFIX + data);
    const sig = (m: ProtoMessage | undefined) => JSON.stringify(m?.fields.map((f) => [f.name, f.number, f.repeated, f.type.slice(f.type.lastIndexOf('.') + 1)]));
    if (a === undefined || sig(a) !== sig(b)) throw new Error(`${request} is no longer wire-identical to ${data}`);
  }

  // Function names: the TypeScript name when it is an identifier used by one message only.
  const uses = new Map<string, number>();
  for (const m of table.messages) uses.set(m.ts, (uses.get(m.ts) ?? 0) + 1);
  for (const m of table.messages) {
    m.fn = /^[A-Za-z]\w*$/.test(m.ts) && uses.get(m.ts) === 1 ? m.ts : m.shortName;
  }
  const fns = new Set<string>();
  for (const m of table.messages) {
    if (fns.has(m.fn)) throw new Error(`two messages would get the function name ${m.fn}`);
    fns.add(m.fn);
  }

  // Which messages contain items (fixed point over the message graph).
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of table.messages) {
      if (m.counts) continue;
      if (m.fields.some((f) => f.item || (f.message?.counts ?? false))) {
        m.counts = true;
        changed = true;
      }
    }
  }
  return table;
}

/** The table of the vendored release. */
export function loadTable(root: string): Table {
  const version = readFileSync(join(root, PROTO_DIR, 'VERSION'), 'utf8')
    .trim()
    .split('\n')[0];
  return buildTable(loadProtoFiles(root), version);
}

/** The message types a field's value uses in TypeScript (for imports). */
export function typeNames(t: Table): string[] {
  const names = new Set<string>();
  for (const m of t.messages) {
    for (const id of m.ts.match(/\b[A-Z]\w*/g) ?? []) names.add(id);
  }
  return [...names].sort();
}

/** The messages reachable from the given roots (keys), in table order. */
export function reachable(t: Table, roots: string[]): Message[] {
  const seen = new Set<Message>();
  const walk = (m: Message): void => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const f of m.fields) if (f.message !== undefined) walk(f.message);
  };
  for (const r of roots) walk(t.byKey.get(r)!);
  return t.messages.filter((m) => seen.has(m));
}

/** The keys of the three request roots. */
export const REQUEST_ROOTS = ['trace.v1.TracesData', 'metrics.v1.MetricsData', 'logs.v1.LogsData'];
