// Emits src/pdata/generated/json-encode.ts: one writer per message from the model to OTLP/JSON
// on one line, like the Collector's file exporter: fields in declaration order, lowerCamelCase
// keys, ids as lowercase hex, enums as numbers, 64-bit integers as decimal strings, default
// values left out except where presence matters (oneof members, proto3 `optional` fields,
// and fields the model rules mark `jsonAlways`). See json/write.ts for the calling protocol.
import { omittedWhenEmpty } from './emit-defaults.ts';
import { header, importLine, undefinedWhenAbsent } from './emit-util.ts';
import type { Field, Message, Table } from './table.ts';

type Part = { lit: string } | { expr: string };

/** Appends lines, joining `}` and a following `else ...` into `} else ...`. */
function push(out: string[], ...lines: string[]): void {
  for (const l of lines) {
    const last = out[out.length - 1];
    if (last !== undefined && last.trim() === '}' && l.trimStart().startsWith('else ')) out[out.length - 1] = `${last} ${l.trimStart()}`;
    else out.push(l);
  }
}

/** Concatenation code of literal and expression parts, adjacent literals merged. */
function cat(parts: Part[]): string {
  const merged: Part[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if ('lit' in p && last !== undefined && 'lit' in last) merged[merged.length - 1] = { lit: last.lit + p.lit };
    else if (!('lit' in p && p.lit === '')) merged.push(p);
  }
  if (merged.length === 0) return "''";
  const q = (t: string): string => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const first = merged[0];
  const second = merged[1];
  if ('expr' in first && first.expr === 'pre' && second !== undefined && 'lit' in second) {
    // `pre` is '' or ',' almost always (the first or a later element of a list): those two
    // are literals of their own, so no string is built at run time to join them.
    const head = `(pre === '' ? ${q(second.lit)} : pre === ',' ? ${q(`,${second.lit}`)} : pre + ${q(second.lit)})`;
    return [head, ...merged.slice(2).map((p) => ('lit' in p ? q(p.lit) : p.expr))].join(' + ');
  }
  return merged.map((p) => ('lit' in p ? q(p.lit) : p.expr)).join(' + ');
}

const key = (f: Field): string => `"${f.json}":`;

/** Parts of the JSON text of one value `v` of a scalar field. */
function scalarParts(f: Field, v: string): Part[] {
  switch (f.repr) {
    case 'string':
    case 'key':
    case 'hex16':
    case 'hex8':
      return [{ expr: `str(${v})` }];
    case 'bytes':
      return [{ expr: `b64(${v})` }];
    case 'bool':
      return [{ expr: `(${v} ? 'true' : 'false')` }];
    case 'double':
      return [{ expr: `writeDouble(${v})` }];
    case 'fixed64':
    case 'sfixed64':
    case 'int64':
    case 'fixed64n':
    case 'uint64n':
    case 'int64n':
      return [{ lit: '"' }, { expr: v }, { lit: '"' }];
    default:
      return [{ expr: v }];
  }
}

/** The appender of a scalar field: `F` leaves the default out, `O` writes whatever is set. */
function appender(f: Field, withPresence: boolean): string {
  const base = ((): string => {
    switch (f.repr) {
      case 'string':
      case 'key':
      case 'hex16':
      case 'hex8':
        return 'str';
      case 'bytes':
        return 'bytes';
      case 'bool':
        return 'bool';
      case 'double':
        return 'dbl';
      case 'fixed64':
      case 'sfixed64':
      case 'int64':
        return 'u64';
      case 'fixed64n':
      case 'uint64n':
      case 'int64n':
        return 'count';
      default:
        return 'num';
    }
  })();
  if (base === 'bytes' && !withPresence) throw new Error(`${f.owner.key}.${f.name}: a bytes field without presence has no JSON writer`);
  return base + (withPresence ? 'O' : 'F');
}

function repeatedScalar(f: Field): string {
  switch (f.repr) {
    case 'fixed64n':
    case 'uint64n':
    case 'int64n':
      return 'countsF';
    case 'double':
      return 'doublesF';
    case 'string':
    case 'key':
    case 'hex16':
    case 'hex8':
      return 'strsF';
    case 'int32':
    case 'enum':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
      return 'numsF';
    default:
      throw new Error(`${f.owner.key}.${f.name}: no JSON writer for repeated ${f.repr}`);
  }
}

function emitSparse(m: Message, out: string[]): void {
  out.push(`/** ${m.fullName}: the member that is set. */`);
  out.push(`export function write${m.fn}(v: ${m.ts}, pre: string): void {`);
  let first = true;
  for (const f of m.fields) {
    const x = `v.${f.prop}`;
    const head = `  ${first ? '' : 'else '}if (${x} !== undefined) `;
    first = false;
    if (f.message !== undefined) {
      push(out, `${head}{`, `    write${f.message.fn}(${x}, ${cat([{ expr: 'pre' }, { lit: `{${key(f)}` }])});`, "    emit('}');", '  }');
    } else if (f.repr === 'bool') {
      push(out, `${head}emit(pre + (${x} ? '{${key(f)}true}' : '{${key(f)}false}'));`);
    } else {
      push(out, `${head}emit(${cat([{ expr: 'pre' }, { lit: `{${key(f)}` }, ...scalarParts(f, x), { lit: '}' }])});`);
    }
  }
  push(out, "  else emit(pre + '{}');", '}', '');
}

function emitMessage(m: Message, out: string[]): void {
  if (m.sparse) return emitSparse(m, out);
  out.push(`/** ${m.fullName} */`);
  out.push(`export function write${m.fn}(v: ${m.ts}, pre: string): void {`);
  // What goes before the next field: known text (an expression) until a conditional field
  // makes it the variable `c`.
  let pending: Part[] = [{ expr: 'pre' }, { lit: '{' }];
  let inVar = false;
  let declared = false;
  const toVar = (): void => {
    if (inVar) return;
    out.push(`  ${declared ? '' : 'let '}c = ${cat(pending)};`);
    declared = true;
    inVar = true;
  };
  const done = new Set<string>();
  let lastEmit: { index: number; parts: Part[] } | undefined;
  for (const f of m.fields) {
    const x = `v.${f.prop}`;
    if (f.oneof !== undefined) {
      if (done.has(f.oneof)) continue;
      done.add(f.oneof);
      toVar();
      m.oneofs.get(f.oneof)!.forEach((o, i) => {
        const ox = `v.${o.prop}`;
        const head = `  ${i === 0 ? '' : 'else '}if (${ox} !== undefined) `;
        if (o.message !== undefined) push(out, `${head}{`, `    write${o.message.fn}(${ox}, c + '${key(o)}');`, "    c = ',';", '  }');
        else push(out, `${head}c = ${appender(o, true)}(c, '${key(o)}', ${ox});`);
      });
      continue;
    }
    const always = f.message !== undefined ? f.presence === 'always' : f.jsonAlways && !f.repeated;
    if (always) {
      const head: Part[] = inVar ? [{ expr: 'c' }] : pending;
      if (f.message !== undefined && lastEmit !== undefined && lastEmit.index === out.length - 1) {
        // Right after a static emit: the key goes out with it, and the value's writer gets ''
        // (which costs no concatenation), e.g. KeyValue: `{"key":"k","value":` in one append.
        lastEmit.parts.push(...head, { lit: key(f) });
        out[lastEmit.index] = `  emit(${cat(lastEmit.parts)});`;
        out.push(`  write${f.message.fn}(${x}, '');`);
        lastEmit = undefined;
      } else if (f.message !== undefined) {
        out.push(`  write${f.message.fn}(${x}, ${cat([...head, { lit: key(f) }])});`);
        lastEmit = undefined;
      } else {
        const parts = [...head, { lit: key(f) }, ...scalarParts(f, x)];
        out.push(`  emit(${cat(parts)});`);
        lastEmit = { index: out.length - 1, parts };
      }
      pending = [{ lit: ',' }];
      inVar = false;
      continue;
    }
    lastEmit = undefined;
    toVar();
    if (f.repeated) {
      if (f.message !== undefined) {
        // The loop written out, not a shared helper taking the writer: its call would be
        // megamorphic (one helper for every list), and these are the hottest calls.
        const a = `a${f.number}`;
        out.push(`  const ${a} = ${x};`, `  if (${a}.length !== 0) {`, `    write${f.message.fn}(${a}[0], c + '${key(f)}[');`);
        out.push(`    for (let i = 1; i < ${a}.length; i++) write${f.message.fn}(${a}[i], ',');`, "    emit(']');", "    c = ',';", '  }');
      } else out.push(`  c = ${repeatedScalar(f)}(c, '${key(f)}', ${x});`);
    } else if (f.message !== undefined) {
      const cond = undefinedWhenAbsent(f) ? `${x} !== undefined` : `!isEmpty${f.message.fn}(${x})`;
      out.push(`  if (${cond}) {`, `    write${f.message.fn}(${x}, c + '${key(f)}');`, "    c = ',';", '  }');
    } else {
      out.push(`  c = ${appender(f, f.optional)}(c, '${key(f)}', ${x});`);
    }
  }
  if (inVar) out.push('  close(c);');
  else if (pending.length === 1) out.push("  emit('}');");
  else out.push("  emit(pre + '{}');");
  out.push('}', '');
}

export function emitJsonEncode(t: Table): string {
  const types = new Set<string>();
  for (const m of t.messages) for (const id of m.ts.match(/\b[A-Z]\w*/g) ?? []) types.add(id);
  const helpers = [
    'b64',
    'boolF',
    'boolO',
    'bytesO',
    'close',
    'countF',
    'countO',
    'countsF',
    'dblF',
    'dblO',
    'doublesF',
    'emit',
    'numF',
    'numO',
    'numsF',
    'str',
    'strF',
    'strO',
    'strsF',
    'u64F',
    'u64O',
    'writeDouble',
  ];
  const body: string[] = [];
  for (const m of t.messages) emitMessage(m, body);
  const text = body.join('\n');
  const used = helpers.filter((h) => new RegExp(`\\b${h}\\(`).test(text));
  const empties = omittedWhenEmpty(t)
    .map((m) => `isEmpty${m.fn}`)
    .filter((h) => text.includes(`${h}(`));
  return [
    header(t, 'OTLP/JSON writers: the model to the OTLP/JSON text, appended to the writer of json/write.ts.'),
    importLine(used, '../json/write.ts'),
    importLine([...types], '../types.ts', true),
    importLine(empties, './defaults.ts'),
    '',
    text,
  ].join('\n');
}
