// The daemon's own metrics (127.0.0.1:8888) are written by the exporter's exposition code:
// the same otelcol_* names as before, and OpenMetrics / gzip when a scraper asks for them.
import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { get } from 'node:http';
import { SelfMetrics } from '../../../../src/telemetry/metrics.ts';
import { MetricsServer } from '../../../../src/telemetry/server.ts';
import { parseExposition, find } from './parse.ts';

describe('self metrics on the exposition machinery', () => {
  it('keeps the otelcol_* names and labels; answers OpenMetrics and gzip when asked', async () => {
    const m = new SelfMetrics();
    m.receiver('otlp', 'http').accepted('metrics', 5);
    const ex = m.exporter('prometheus', 'metrics');
    ex.sent(4);
    ex.queue(8, 10);
    m.dropped('exporter/prometheus', 'metrics', 'type_conflict', 2);
    m.prometheusConflict('exporter/prometheus', 'type', 2);
    const server = new MetricsServer(m, '127.0.0.1:0');
    await server.start();
    try {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      const { samples, meta } = parseExposition(text);
      expect(find(samples, 'otelcol_receiver_accepted_metric_points_total', { receiver: 'otlp', transport: 'http' })[0].value).toBe(5);
      expect(find(samples, 'otelcol_receiver_accepted_spans_total', { receiver: 'otlp' })[0].value).toBe(0);
      expect(find(samples, 'otelcol_exporter_sent_metric_points_total', { exporter: 'prometheus' })[0].value).toBe(4);
      expect(find(samples, 'otelcol_exporter_queue_size', { exporter: 'prometheus', data_type: 'metrics' })[0].value).toBe(8);
      expect(find(samples, 'genrf_collector_dropped_items_total', { component: 'exporter/prometheus', reason: 'type_conflict' })[0].value).toBe(2);
      expect(find(samples, 'genrf_collector_prometheus_conflicts_total', { kind: 'type' })[0].value).toBe(2);
      expect(meta).toContain('# TYPE otelcol_exporter_queue_size gauge');

      const om = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      expect(om.headers.get('content-type')).toContain('application/openmetrics-text');
      const omText = await om.text();
      expect(omText).toContain('# TYPE otelcol_receiver_accepted_metric_points counter\n');
      expect(omText.endsWith('# EOF\n')).toBe(true);

      const zipped = await new Promise<{ enc: string | undefined; body: Buffer }>((resolve, reject) => {
        get(`http://127.0.0.1:${server.port}/metrics`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ enc: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
      expect(zipped.enc).toBe('gzip');
      expect(gunzipSync(zipped.body).toString()).toBe(text);
    } finally {
      await server.shutdown();
    }
  });
});
