import type { KeyValue, Span, TracesData } from '../src/pdata/types.ts';

/** A span with ~10 attributes of mixed types, as a genRF worker would emit. */
export function benchSpan(i: number): Span {
  const attrs: KeyValue[] = [
    { key: 'circuit.type', value: { stringValue: i % 2 ? 'LNA' : 'mixer' } },
    { key: 'circuit.frequency', value: { doubleValue: 2.4e9 + i } },
    { key: 'technology', value: { stringValue: 'tsmc65' } },
    { key: 'optimization.steps', value: { intValue: BigInt(100 + (i % 50)) } },
    { key: 'spice.engine', value: { stringValue: 'ngspice' } },
    { key: 'spice.converged', value: { boolValue: i % 7 !== 0 } },
    { key: 'user.id', value: { stringValue: `user-${i % 97}` } },
    { key: 'session.id', value: { stringValue: `sess-${(i * 7919) % 100003}` } },
    { key: 'http.status_code', value: { intValue: 200n } },
    { key: 'gain.db', value: { doubleValue: 18.5 + (i % 10) / 10 } },
  ];
  const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
  const start = 1_764_000_000_000_000_000n + BigInt(i) * 1_000_000n;
  return {
    traceId: hex(0xabcdef + i, 16) + hex(i * 31 + 7, 16),
    spanId: hex(i * 13 + 1, 16),
    traceState: '',
    parentSpanId: i % 4 ? hex(i * 13, 16) : '',
    flags: 1,
    name: ['generate_circuit', 'topology_generation', 'parameter_optimization', 'spice_validation'][i % 4],
    kind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: start + 1_500_000n,
    attributes: attrs,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { message: '', code: 0 },
  };
}

/** One export request of `n` spans under one resource and scope. */
export function benchTraces(n: number, offset = 0): TracesData {
  const spans: Span[] = [];
  for (let i = 0; i < n; i++) spans.push(benchSpan(offset + i));
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'genrf-worker' } },
            { key: 'host.name', value: { stringValue: 'gpu-node-1' } },
          ],
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeSpans: [{ scope: { name: 'genrf.generator', version: '1.0.0', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }],
      },
    ],
  };
}
