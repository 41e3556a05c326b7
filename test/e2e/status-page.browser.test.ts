// The status page in a real headless browser (Debian's chromium, driven by playwright-core;
// no browser is downloaded): loaded while load flows, its numbers match /metrics within one
// refresh, an exporter whose backend (an OTLP/HTTP sink this test owns) is stopped turns red
// within 5 s, and a screenshot is kept as an artefact (test-artifacts/status-page.png; with
// UPDATE_SCREENSHOT=1 also docs/status-page.png, the README's).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort, startDaemon, tempDir, type Daemon } from './helpers/daemon.ts';
import { metricValue, postOtlp, scrape } from './helpers/otlp.ts';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
// CI installs chromium (.ci/run); a developer machine without it skips with this reason.
const missing = !existsSync(CHROMIUM) && !process.env.CI && !process.env.REQUIRE_SERVICES;

/** An OTLP/HTTP backend the test can stop: answers every export with 200 and an empty response. */
function startSink(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  return new Promise((r) => server.listen(port, '127.0.0.1', () => r(server)));
}

function stopSink(server: Server): Promise<void> {
  return new Promise((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
}

const logs = (scope: string, body: string) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'genrf-worker' } }] },
        scopeLogs: [
          {
            scope: { name: scope },
            logRecords: [
              { severityText: 'INFO', body: { stringValue: body } },
              { severityText: 'INFO', body: { stringValue: `${body} again` } },
            ],
          },
        ],
      },
    ],
  });

describe.skipIf(missing)('status page in a headless browser', () => {
  let daemon: Daemon;
  let sink: Server | undefined;
  let ctx: BrowserContext;
  let page: Page;
  let ports: { otlp: number; status: number; metrics: number; sink: number };
  let loading = true;
  let load: Promise<void>;

  beforeAll(async () => {
    ports = { otlp: await freePort(), status: await freePort(), metrics: await freePort(), sink: await freePort() };
    const dir = await tempDir('genrf-status-');
    sink = await startSink(ports.sink);
    daemon = await startDaemon(
      `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${ports.otlp} } } }
processors:
  batch: { timeout: 100ms }
  redaction/pii: {}
exporters:
  file/app: { path: ${join(dir, 'app.jsonl')} }
  file/security: { path: ${join(dir, 'security.jsonl')} }
  otlphttp/sink:
    endpoint: http://127.0.0.1:${ports.sink}
    retry_on_failure: { initial_interval: 100ms, max_interval: 500ms, max_elapsed_time: 2s }
connectors:
  routing/security:
    default_pipelines: [logs/app]
    table: [ { match: { scope_name_prefix: genrf.security }, pipelines: [logs/security] } ]
extensions:
  status: { endpoint: 127.0.0.1:${ports.status}, refresh_interval: 1s }
service:
  extensions: [status]
  telemetry: { metrics: { address: 127.0.0.1:${ports.metrics} } }
  security: { classify: { scope_name_prefix: [genrf.security] }, sinks: [file/security], scrubbers: [redaction/pii] }
  pipelines:
    logs: { receivers: [otlp], processors: [batch], exporters: [routing/security] }
    logs/app: { receivers: [routing/security], exporters: [file/app, otlphttp/sink] }
    logs/security: { receivers: [routing/security], processors: [redaction/pii], exporters: [file/security] }
`,
      { dir },
    );
    // Load for the whole test: a request every 50 ms, bounded in time.
    const until = Date.now() + 90_000;
    load = (async () => {
      for (let i = 0; loading && Date.now() < until; i++) {
        await postOtlp(ports.otlp, '/v1/logs', logs(i % 4 === 0 ? 'genrf.security.auth' : 'genrf.generation', `event ${i} for user${i}@example.com`)).catch(() => {});
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'genrf-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await ctx.newPage();
  }, 60_000);

  afterAll(async () => {
    loading = false;
    await load;
    await ctx?.close();
    if (sink) await stopSink(sink);
    expect(await daemon?.stop()).toBe(0);
  });

  /** Waits for the page to render a document built after `after` (ms since the epoch); returns its time. */
  async function nextRefresh(after: number): Promise<number> {
    // Runs in the page (globalThis: the test's own TypeScript has no DOM types).
    await page.waitForFunction((t: number) => Number((globalThis as any).document.body.dataset.time ?? 0) > t, after, { timeout: 10_000 });
    return Number(await page.evaluate(() => (globalThis as any).document.body.dataset.time as string));
  }

  const total = (node: string, field: string) => page.locator(`#components tr[data-node="${node}"] td[data-field="${field}"]`).getAttribute('data-total').then(Number);

  it('draws the pipeline graph and the security proof, with no request leaving the daemon', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`http://127.0.0.1:${ports.status}/`);
    await nextRefresh(0);
    for (const node of [
      'receiver_otlp',
      'processor_logs_batch',
      'connector_routing_security',
      'exporter_file_app',
      'exporter_otlphttp_sink',
      'processor_logs_security_redaction_pii',
      'exporter_file_security',
    ]) {
      expect(await page.locator(`#graph g.node[data-node="${node}"]`).count(), node).toBe(1);
    }
    expect(await page.locator('#graph path.edge').count()).toBe(6);
    expect(await page.locator('#paths tbody tr td').allTextContents()).toEqual([
      'otlp → batch → routing/security → redaction/pii → file/security',
      'logs → logs/security',
      'file/security',
      'redaction/pii',
    ]);
    expect(await page.locator('#policy').textContent()).toContain('Proven');
    expect(await page.locator('#live').getAttribute('data-state')).toBe('live');
    expect(requests.every((u) => u.startsWith(`http://127.0.0.1:${ports.status}/`))).toBe(true);
  });

  it('shows the numbers /metrics has, within one refresh, and they move while load flows', async () => {
    const checks: Array<[string, string, string, Record<string, string>]> = [
      ['receiver_otlp', 'accepted', 'otelcol_receiver_accepted_log_records_total', { receiver: 'otlp' }],
      ['exporter_file_app', 'sent', 'otelcol_exporter_sent_log_records_total', { exporter: 'file/app' }],
      ['exporter_file_security', 'sent', 'otelcol_exporter_sent_log_records_total', { exporter: 'file/security' }],
      ['processor_logs_batch', 'incoming', 'otelcol_processor_incoming_items_total', { processor: 'batch' }],
    ];
    const first = new Map<string, number>();
    for (const [node, field, name, labels] of checks) {
      const before = metricValue(await scrape(ports.metrics), name, labels);
      const asked = Date.now();
      await nextRefresh(asked);
      const shown = await total(node, field);
      const after = metricValue(await scrape(ports.metrics), name, labels);
      expect(shown, `${node} ${field}`).toBeGreaterThanOrEqual(before);
      expect(shown, `${node} ${field}`).toBeLessThanOrEqual(after);
      first.set(node, shown);
    }
    await nextRefresh(Date.now());
    for (const [node, field] of checks) expect(await total(node, field), `${node} ${field} moves`).toBeGreaterThan(first.get(node)!);
    // Rates are shown as numbers once two documents arrived.
    expect(await page.locator('#components tr[data-node="exporter_file_app"] td[data-field="sent"]').textContent()).toMatch(/^\d+(\.\d)?k?$/);
  });

  it('turns an exporter red within 5 s of its backend stopping, with the error and its time', async () => {
    expect(await page.locator('#graph g.node[data-node="exporter_otlphttp_sink"]').getAttribute('data-health')).toBe('healthy');
    const stopped = Date.now();
    await stopSink(sink!);
    sink = undefined;
    await page.locator('#graph g.node[data-node="exporter_otlphttp_sink"][data-health="unhealthy"]').waitFor({ timeout: 5_000 });
    expect(Date.now() - stopped).toBeLessThan(5_000);
    const stroke = await page
      .locator('#graph g.node[data-node="exporter_otlphttp_sink"] rect')
      .first()
      .evaluate((e) => (globalThis as any).getComputedStyle(e).stroke as string);
    expect(stroke).toBe('rgb(217, 48, 37)');
    const row = page.locator('#components tr[data-node="exporter_otlphttp_sink"]');
    expect(await row.locator('td[data-health]').textContent()).toBe('unhealthy');
    expect(await row.locator('td[data-field="last_error"]').textContent()).toMatch(/^\d+ s ago: .*ECONNREFUSED/);
    // The other components stay green.
    expect(await page.locator('#graph g.node[data-node="exporter_file_app"]').getAttribute('data-health')).toBe('healthy');
    await nextRefresh(Date.now());
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'status-page.png'), fullPage: true });
    if (process.env.UPDATE_SCREENSHOT) copyFileSync(join(ARTIFACTS, 'status-page.png'), join(ROOT, 'docs/status-page.png'));
  });
});
