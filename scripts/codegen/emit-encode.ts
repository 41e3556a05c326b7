// Emits src/pdata/generated/proto-encode.ts: one function per message that writes its fields
// (not its own tag and length: the caller does, with w.begin / w.finish) in field-number order,
// leaving out default values as proto3 does. Oneof members and proto3 `optional` fields are
// written when set, even to their default value: presence is the information.
import { omittedWhenEmpty } from './emit-defaults.ts';
import { describe, header, importLine, undefinedWhenAbsent, zeroOf } from './emit-util.ts';
import type { Field, Message, Table } from './table.ts';

/** The writer call for one value `v` of a scalar field. */
function writeScalar(f: Field, v: string): string {
  const t = f.tag;
  switch (f.repr) {
    case 'string':
    case 'key':
      return `w.stringField(${t}, ${v});`;
    case 'bytes':
      return `w.bytesField(${t}, ${v});`;
    case 'hex16':
    case 'hex8':
      return `w.hexField(${t}, ${v});`;
    case 'bool':
      return `w.varintField(${t}, ${v} ? 1 : 0);`;
    case 'int32':
    case 'enum':
      return `w.int32Field(${t}, ${v});`;
    case 'uint32':
    case 'uint64n':
      return `w.varintField(${t}, ${v});`;
    case 'sint32':
      return `w.sint32Field(${t}, ${v});`;
    case 'fixed32':
      return `w.fixed32Field(${t}, ${v});`;
    case 'fixed64':
      return `w.fixed64Field(${t}, ${v});`;
    case 'fixed64n':
      return `w.fixed64NumberField(${t}, ${v});`;
    case 'sfixed64':
      return `w.sfixed64Field(${t}, ${v});`;
    case 'int64':
      return `w.int64Field(${t}, ${v});`;
    case 'int64n':
      return `w.int64Field(${t}, BigInt(${v}));`;
    case 'double':
      return `w.doubleField(${t}, ${v});`;
    default:
      throw new Error(`no writer for ${f.owner.key}.${f.name}`);
  }
}

function writePacked(f: Field, v: string): string {
  const t = f.packedTag!;
  if (f.repr === 'double') return `if (${v}.length > 0) w.packedDouble(${t}, ${v});`;
  if (f.repr === 'fixed64n') return `if (${v}.length > 0) w.packedFixed64(${t}, ${v});`;
  if (f.repr === 'uint64n' || f.repr === 'uint32') return `if (${v}.length > 0) w.packedVarint(${t}, ${v});`;
  throw new Error(`no packed writer for ${f.owner.key}.${f.name}`);
}

function writeMessage(f: Field, v: string, indent: string): string[] {
  return [`${indent}const m${f.number} = w.begin(${f.tag});`, `${indent}encode${f.message!.fn}(${v});`, `${indent}w.finish(m${f.number});`];
}

/** The condition under which a singular field is written. */
function whenWritten(m: Message, f: Field, o: string): string {
  const v = `${o}.${f.prop}`;
  if (f.oneof !== undefined) {
    // The first member set (in field-number order) is the one written.
    const before = m.byNumber.filter((x) => x.oneof === f.oneof && x.number < f.number);
    return [...before.map((x) => `${o}.${x.prop} === undefined`), `${v} !== undefined`].join(' && ');
  }
  if (undefinedWhenAbsent(f)) return `${v} !== undefined`;
  if (f.message !== undefined) return f.presence === 'always' ? 'true' : `!isEmpty${f.message.fn}(${v})`;
  if (f.repr === 'bool') return v;
  return `${v} !== ${zeroOf(f)}`;
}

function emitField(m: Message, f: Field, o: string, out: string[]): void {
  const v = `${o}.${f.prop}`;
  out.push(`  // ${describe(f)}`);
  if (f.repeated) {
    if (f.message === undefined) {
      if (f.packedTag !== undefined) out.push(`  ${writePacked(f, v)}`);
      else out.push(`  for (let i = 0; i < ${v}.length; i++) ${writeScalar(f, `${v}[i]`)}`);
      return;
    }
    // The array in a local: the calls in the loop would make V8 load it again each time.
    const a = `a${f.number}`;
    out.push(`  const ${a} = ${v};`, `  for (let i = 0; i < ${a}.length; i++) {`, ...writeMessage(f, `${a}[i]`, '    '), '  }');
    return;
  }
  const cond = whenWritten(m, f, o);
  if (f.message !== undefined) {
    if (cond === 'true') out.push('  {', ...writeMessage(f, v, '    '), '  }');
    else out.push(`  if (${cond}) {`, ...writeMessage(f, `${v}`, '    '), '  }');
    return;
  }
  if (f.repr === 'bool' && f.oneof === undefined && !f.optional) out.push(`  if (${v}) w.varintField(${f.tag}, 1);`);
  else out.push(`  if (${cond}) ${writeScalar(f, v)}`);
}

function emitMessage(m: Message, out: string[]): void {
  const o = 'v';
  out.push(`/** The fields of a ${m.fullName}. */`);
  out.push(`export function encode${m.fn}(${o}: ${m.ts}): void {`);
  if (m.sparse) {
    // Exactly one member is set in a well-formed model object; the first set one is written.
    let first = true;
    for (const f of m.byNumber) {
      const v = `${o}.${f.prop}`;
      const body = f.message !== undefined ? `{ const m${f.number} = w.begin(${f.tag}); encode${f.message.fn}(${v}); w.finish(m${f.number}); }` : writeScalar(f, v);
      out.push(`  ${first ? '' : 'else '}if (${v} !== undefined) ${body} // ${describe(f)}`);
      first = false;
    }
  } else {
    for (let i = 0; i < m.byNumber.length; i++) {
      const f = m.byNumber[i];
      const members = f.oneof === undefined ? [] : m.oneofs.get(f.oneof)!;
      const run = m.byNumber.slice(i, i + members.length);
      if (members.length > 1 && run.every((x) => x.oneof === f.oneof)) {
        // The members follow each other in field-number order: one else-if chain, the first set one written.
        emitChain(run, o, out);
        i += run.length - 1;
      } else emitField(m, f, o, out);
    }
  }
  out.push('}', '');
}

function emitChain(members: Field[], o: string, out: string[]): void {
  members.forEach((f, i) => {
    const v = `${o}.${f.prop}`;
    const head = `  ${i === 0 ? '' : '} else '}if (${v} !== undefined) {`;
    out.push(`${head} // ${describe(f)}`);
    if (f.message !== undefined) out.push(...writeMessage(f, v, '    '));
    else out.push(`    ${writeScalar(f, v)}`);
  });
  out.push('  }');
}

export function emitEncode(t: Table): string {
  const types = new Set<string>();
  for (const m of t.messages) for (const id of m.ts.match(/\b[A-Z]\w*/g) ?? []) types.add(id);
  const out: string[] = [
    header(t, 'Protobuf encoders: the model to the wire format, into the shared writer (proto/writer.ts).'),
    importLine([...types], '../types.ts', true),
    "import * as w from '../proto/writer.ts';",
    importLine(
      omittedWhenEmpty(t).map((m) => `isEmpty${m.fn}`),
      './defaults.ts',
    ),
    '',
  ];
  for (const m of t.messages) emitMessage(m, out);
  return out.join('\n');
}
