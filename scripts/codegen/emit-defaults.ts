// Emits src/pdata/generated/defaults.ts: the empty instance of each message that the model
// holds when a field is absent (newResource ...), and the test the encoders use to leave such
// a message out when it holds nothing (isEmptyResource ...).
import { defaulted, header, importLine, objectLiteral, undefinedWhenAbsent, zeroOf } from './emit-util.ts';
import type { Field, Message, Table } from './table.ts';

/** The expression of an empty value of field `f`. */
export function emptyValue(f: Field): string {
  if (f.repeated) return '[]';
  if (undefinedWhenAbsent(f)) return 'undefined';
  if (f.message !== undefined) return `new${f.message.fn}()`;
  return zeroOf(f);
}

function emptyTest(f: Field, v: string): string {
  const x = `${v}.${f.prop}`;
  if (f.repeated) return `${x}.length === 0`;
  if (undefinedWhenAbsent(f)) return `${x} === undefined`;
  if (f.message !== undefined) return f.presence === 'always' ? 'false' : `isEmpty${f.message.fn}(${x})`;
  return `${x} === ${zeroOf(f)}`;
}

/** Whether isEmptyX is needed: messages left out when empty. */
export function omittedWhenEmpty(t: Table): Message[] {
  const out = new Set<Message>();
  for (const m of t.messages) {
    for (const f of m.fields) if (f.message !== undefined && !f.repeated && !undefinedWhenAbsent(f) && f.presence === 'default') out.add(f.message);
  }
  return t.messages.filter((m) => out.has(m));
}

export function emitDefaults(t: Table): string {
  const news = defaulted(t);
  const empties = omittedWhenEmpty(t);
  const types = new Set<string>();
  for (const m of [...news, ...empties]) for (const id of m.ts.match(/\b[A-Z]\w*/g) ?? []) types.add(id);
  const out: string[] = [header(t, 'Empty messages, and the test for one (an empty message field is not written).'), importLine([...types], '../types.ts', true), ''];
  for (const m of news) {
    out.push(`/** An empty ${m.fullName}. */`);
    if (m.sparse) {
      out.push(`export function new${m.fn}(): ${m.ts} {`, '  return {};', '}', '');
      continue;
    }
    out.push(`export function new${m.fn}(): ${m.ts} {`);
    out.push(
      ...objectLiteral(
        '  return ',
        m.fields.map((f) => `${f.prop}: ${emptyValue(f)}`),
        ';',
      ),
    );
    out.push('}', '');
  }
  for (const m of empties) {
    out.push(`/** True when the ${m.shortName} holds only default values. */`);
    const tests = m.sparse ? m.fields.map((f) => `v.${f.prop} === undefined`) : m.fields.map((f) => emptyTest(f, 'v'));
    out.push(`export function isEmpty${m.fn}(v: ${m.ts}): boolean {`);
    out.push(`  return ${tests.join(' && ')};`);
    out.push('}', '');
  }
  return out.join('\n');
}
