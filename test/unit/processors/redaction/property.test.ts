// The property of issue 13: for every planted secret and every wrapper — field × encoding ×
// renderer — the secret never reaches the output. Exhaustive over the product (no sampling),
// with secrets drawn deterministically; a failure names the combination.
import { describe, expect, it } from 'vitest';
import type { Signal, SignalData } from '../../../../src/pdata/types.ts';
import { dump, kv, logs, metrics, needles, traces } from '../../../fixtures/redaction/pii-classes.ts';
import { ENCODINGS, RENDERERS, Rng, VALUE_SECRETS, password } from '../../../fixtures/redaction/pii-gen.ts';
import { make } from './helpers.ts';

const enc = new TextEncoder();
/** Where a rendered line can travel. */
const FIELDS: ReadonlyArray<[string, Signal, (text: string) => SignalData[Signal]]> = [
  ['log body', 'logs', (t) => logs({ body: { stringValue: t } })],
  ['log attribute', 'logs', (t) => logs({ body: { stringValue: 'x' }, attributes: [kv('message', t)] })],
  ['kvlist value', 'logs', (t) => logs({ body: { kvlistValue: { values: [kv('msg', t)] } } })],
  ['bytes body', 'logs', (t) => logs({ body: { bytesValue: enc.encode(t) } })],
  ['event_name', 'logs', (t) => logs({ body: { stringValue: 'x' }, eventName: t })],
  ['span name', 'traces', (t) => traces({ name: t })],
  ['span event attribute', 'traces', (t) => traces({ events: [{ timeUnixNano: 1n, name: 'e', attributes: [kv('exception.message', t)], droppedAttributesCount: 0 }] })],
  ['span status', 'traces', (t) => traces({ status: { code: 2, message: t } })],
  ['metric point attribute', 'metrics', (t) => metrics({ attrs: [kv('detail', t)] })],
  ['scope attribute', 'logs', (t) => logs({ body: { stringValue: 'x' } }, { scopeAttrs: [kv('detail', t)] })],
];

/** Secrets: the value detectors', and a password (found by its key only). */
function secrets(): Array<{ kind: string; value: string; keyed: boolean }> {
  const r = new Rng(2026);
  const out: Array<{ kind: string; value: string; keyed: boolean }> = [];
  for (const [kind, gen] of VALUE_SECRETS) for (let i = 0; i < 2; i++) out.push({ kind, value: gen(r), keyed: false });
  for (let i = 0; i < 2; i++) out.push({ kind: 'password', value: password(r), keyed: true });
  return out;
}

describe('property: no planted secret reaches the output, whatever wraps it', () => {
  const processors = new Map<Signal, ReturnType<typeof make>['p']>();
  const processor = (s: Signal) => {
    let p = processors.get(s);
    if (!p) processors.set(s, (p = make({}, s).p));
    return p;
  };
  for (const secret of secrets()) {
    it(`${secret.kind} ${secret.value.slice(0, 6)}…: fields × encodings × renderers`, () => {
      const r = new Rng(secret.value.length);
      const leaks: string[] = [];
      let cases = 0;
      for (const [encName, encode] of ENCODINGS) {
        const encoded = encode(secret.value, r);
        for (const [rname, render] of RENDERERS) {
          // A password is a secret only under a sensitive key; the detectors' values under any key.
          const key = secret.keyed ? r.pick(['password', 'client_secret', 'api_key', 'access_token']) : rname === 'header' ? 'X-Ref' : 'ref';
          const text = render(key, encoded);
          for (const [field, signal, build] of FIELDS) {
            const data = build(text);
            processor(signal).process(signal, data);
            const out = dump(data);
            cases++;
            if ([secret.value, encoded].some((v) => needles(v).some((n) => out.includes(n)))) leaks.push(`${encName} × ${rname} × ${field}`);
          }
        }
      }
      expect(cases).toBe(ENCODINGS.length * RENDERERS.length * FIELDS.length);
      expect(leaks).toEqual([]);
    });
  }
});
