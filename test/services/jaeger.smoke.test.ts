// Jaeger smoke test: a span sent to Jaeger's OTLP/HTTP receiver (14318) is read back
// from the query service's /api/v3/traces/{traceId} (real Jaeger v2 from
// scripts/services/up jaeger, in-memory storage).
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeService, eventually, requireService } from './helpers/services.ts';

const jaeger = await requireService('jaeger');

describeService(jaeger, 'jaeger: OTLP in, /api/v3/traces out', (env) => {
  it('returns the span it received', async () => {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const now = BigInt(Date.now()) * 1_000_000n;
    const payload = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genrf-smoke' } }] },
          scopeSpans: [
            {
              scope: { name: 'smoke' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'smoke-span',
                  kind: 1,
                  startTimeUnixNano: String(now - 5_000_000n),
                  endTimeUnixNano: String(now),
                  attributes: [{ key: 'genrf.smoke', value: { boolValue: true } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const sent = await fetch(`${env.JAEGER_OTLP_HTTP_ENDPOINT}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    expect(sent.status).toBe(200);

    type V3 = { result: { resourceSpans: { scopeSpans: { spans: { traceId: string; name: string }[] }[] }[] } };
    const spans = await eventually('the trace in Jaeger', async () => {
      const res = await fetch(`${env.JAEGER_QUERY_URL}/api/v3/traces/${traceId}`);
      if (res.status !== 200) return undefined;
      const body = (await res.json()) as V3;
      return body.result.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    });
    expect(spans.map((s) => s.name)).toEqual(['smoke-span']);
    const services = (await (await fetch(`${env.JAEGER_QUERY_URL}/api/v3/services`)).json()) as { services: string[] };
    expect(services.services).toContain('genrf-smoke');
  });
});
