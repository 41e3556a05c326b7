// A tiny protobuf writer for test requests, written here from the field numbers in
// opentelemetry-proto's logs.proto, so that tests can send protobuf (gRPC, or HTTP) without
// going through the daemon's own codec.

function varint(out: number[], v: number | bigint): void {
  let n = BigInt(v);
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
}

function field(out: number[], num: number, bytes: number[] | Uint8Array): void {
  varint(out, (num << 3) | 2);
  varint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

const utf8 = new TextEncoder();

/** ExportLogsServiceRequest with one record per body `${tag}-${i}`, i in [from, from+n). */
export function logsProto(tag: string, n: number, from = 0): Uint8Array {
  const scopeLogs: number[] = [];
  field(
    scopeLogs,
    1,
    (() => {
      const s: number[] = [];
      field(s, 1, utf8.encode('genrf.e2e'));
      return s;
    })(),
  );
  for (let i = from; i < from + n; i++) {
    const rec: number[] = [];
    // time_unix_nano: fixed64, field 1
    rec.push((1 << 3) | 1);
    const t = 1_700_000_000_000_000_000n + BigInt(i);
    for (let k = 0n; k < 8n; k++) rec.push(Number((t >> (8n * k)) & 0xffn));
    varint(rec, (2 << 3) | 0); // severity_number
    varint(rec, 9);
    const body: number[] = [];
    field(body, 1, utf8.encode(`${tag}-${i}`)); // AnyValue.string_value
    field(rec, 5, body);
    field(scopeLogs, 2, rec); // ScopeLogs.log_records
  }
  const resourceLogs: number[] = [];
  const resource: number[] = [];
  const kv: number[] = [];
  field(kv, 1, utf8.encode('service.name'));
  const v: number[] = [];
  field(v, 1, utf8.encode('genrf-e2e'));
  field(kv, 2, v);
  field(resource, 1, kv);
  field(resourceLogs, 1, resource);
  field(resourceLogs, 2, scopeLogs);
  const req: number[] = [];
  field(req, 1, resourceLogs);
  return Uint8Array.from(req);
}
