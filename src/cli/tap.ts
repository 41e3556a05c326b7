// `tap`: prints a live sample of the records leaving one component of a running daemon, read
// from its status extension (GET /api/tap). The daemon samples at a bounded rate and drops
// samples, never records, when this reader is slow.

type Json = Record<string, any>;

export interface TapOptions {
  endpoint: string;
  component: string;
  limit: number;
  format: 'json' | 'summary';
}

export async function tapCommand(o: TapOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const base = /^https?:\/\//.test(o.endpoint) ? o.endpoint : `http://${o.endpoint}`;
  const url = `${base.replace(/\/$/, '')}/api/tap?component=${encodeURIComponent(o.component)}&limit=${o.limit}`;
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let printed = 0;
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: ac.signal });
    } catch (e) {
      err.write(`genrf-collector tap: cannot reach the status extension at ${o.endpoint}: ${(e as Error).cause ?? (e as Error).message}\n`);
      return 1;
    }
    if (!res.ok || res.body === null) {
      const text = await res.text();
      let message = text.trim();
      try {
        message = (JSON.parse(text) as Json).error ?? message;
      } catch {
        /* plain text */
      }
      err.write(`genrf-collector tap: ${message}\n`);
      return 1;
    }
    let buf = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line === '') continue;
          const msg = JSON.parse(line) as Json;
          if (msg.tap !== undefined) {
            err.write(`tapping ${msg.tap} (${msg.kind}, ${msg.signal}), at most ${msg.rate} records/s${msg.note ? `; ${msg.note}` : ''}\n`);
          } else if (msg.data !== undefined) {
            printed += msg.records as number;
            out.write(o.format === 'json' ? `${JSON.stringify(msg.data)}\n` : summarize(msg.signal as string, msg.time as number, msg.data as Json));
          } else if (msg.end !== undefined) {
            err.write(
              `tap ended (${msg.end}): ${printed} records shown; ${msg.skipped} passed unsampled (rate limit or --limit), ${msg.dropped_samples} samples dropped (slow reader)${msg.withheld ? `, ${msg.withheld} security records withheld` : ''}\n`,
            );
            return 0;
          }
        }
      }
    } catch (e) {
      if (ac.signal.aborted) {
        err.write(`tap stopped: ${printed} records shown\n`);
        return 0;
      }
      throw e;
    }
    err.write('genrf-collector tap: the daemon closed the tap\n');
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** An OTLP/JSON AnyValue as short text. */
function text(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  if ('stringValue' in v) return String(v.stringValue);
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('boolValue' in v) return String(v.boolValue);
  if ('bytesValue' in v) return `<${String(v.bytesValue).length} base64 chars>`;
  if ('arrayValue' in v) return `[${((v.arrayValue?.values ?? []) as Json[]).map(text).join(', ')}]`;
  if ('kvlistValue' in v) return `{${attrs(v.kvlistValue?.values)}}`;
  return '';
}

function attrs(list: Json[] | undefined): string {
  return (list ?? []).map((kv) => `${kv.key}=${text(kv.value)}`).join(' ');
}

/** One line per record: time, scope, and what identifies the record. */
export function summarize(signal: string, time: number, data: Json): string {
  const at = new Date(time).toISOString().slice(11, 23);
  const lines: string[] = [];
  const resources = (data.resourceLogs ?? data.resourceSpans ?? data.resourceMetrics ?? []) as Json[];
  for (const r of resources) {
    const service = ((r.resource?.attributes ?? []) as Json[]).find((a) => a.key === 'service.name');
    const svc = service ? text(service.value) : '-';
    for (const s of (r.scopeLogs ?? r.scopeSpans ?? r.scopeMetrics ?? []) as Json[]) {
      const scope = s.scope?.name || '-';
      if (signal === 'logs') {
        for (const rec of (s.logRecords ?? []) as Json[])
          lines.push(`${at} ${svc} ${scope} ${rec.severityText || rec.severityNumber || '-'} ${JSON.stringify(text(rec.body))} ${attrs(rec.attributes)}`);
      } else if (signal === 'traces') {
        for (const sp of (s.spans ?? []) as Json[]) {
          const ms = (Number(BigInt(sp.endTimeUnixNano ?? 0) - BigInt(sp.startTimeUnixNano ?? 0)) / 1e6).toFixed(1);
          lines.push(`${at} ${svc} ${scope} span ${JSON.stringify(sp.name)} ${ms}ms trace=${sp.traceId} ${attrs(sp.attributes)}`);
        }
      } else {
        for (const m of (s.metrics ?? []) as Json[]) {
          const type = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'].find((t) => m[t] !== undefined) ?? '?';
          for (const p of (m[type]?.dataPoints ?? []) as Json[]) {
            const value = p.asDouble ?? p.asInt ?? (p.count !== undefined ? `count=${p.count} sum=${p.sum}` : '');
            lines.push(`${at} ${svc} ${scope} ${type} ${m.name} ${value} ${attrs(p.attributes)}`);
          }
        }
      }
    }
  }
  return lines.map((l) => `${l.trimEnd()}\n`).join('');
}
