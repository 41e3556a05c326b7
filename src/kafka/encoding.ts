import { Batch } from '../pdata/batch.ts';
import { DecodeError } from '../pdata/errors.ts';
import { countProtoItems } from '../pdata/proto/index.ts';
import { decodeJson, encodeJson } from '../pdata/json/index.ts';
import type { AnyValue, LogsData, Signal, SignalData } from '../pdata/types.ts';
import { anyValueJson, decodeStructlog, encodeStructlog } from './structlog.ts';

// Message encodings, with the contrib kafka components' names. Every signal has the two
// OTLP encodings; logs also have `json` (one structlog object per message) and `raw` (the
// message bytes are the body).

export const ENCODINGS = ['otlp_proto', 'otlp_json', 'json', 'raw'] as const;
export type KafkaEncoding = (typeof ENCODINGS)[number];
export const LOG_ONLY_ENCODINGS: ReadonlySet<string> = new Set(['json', 'raw']);

function rawLogs(bytes: Uint8Array): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
            logRecords: [
              {
                timeUnixNano: 0n,
                observedTimeUnixNano: 0n,
                severityNumber: 0,
                severityText: '',
                // A copy: the client's buffer may be a slice of a whole fetch response.
                body: { bytesValue: Uint8Array.from(bytes) },
                attributes: [],
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: '',
              },
            ],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

/**
 * A message value as a batch. OTLP protobuf is only scanned (validated and counted), so a
 * pipeline that never looks inside forwards the bytes. Throws DecodeError.
 */
export function decodeMessage(signal: Signal, encoding: KafkaEncoding, value: Uint8Array): Batch {
  switch (encoding) {
    case 'otlp_proto':
      return Batch.fromProto(signal, value, countProtoItems(signal, value));
    case 'otlp_json':
      return Batch.of(signal, decodeJson(signal, value));
    case 'json':
      return Batch.of('logs', decodeStructlog(value), 1);
    case 'raw':
      return Batch.of('logs', rawLogs(value), 1);
  }
  throw new DecodeError(`unknown encoding ${String(encoding)}`);
}

const utf8 = new TextEncoder();

/** One group of a batch (see partition.ts) as message values. */
export function encodeGroup<S extends Signal>(signal: S, encoding: KafkaEncoding, data: SignalData[S], proto?: Uint8Array): Uint8Array[] {
  switch (encoding) {
    case 'otlp_proto':
      return [proto ?? Batch.of(signal, data).toProto()];
    case 'otlp_json':
      return [utf8.encode(encodeJson(signal, data))];
    default:
      break;
  }
  // json / raw: one message per log record.
  const out: Uint8Array[] = [];
  for (const rl of (data as LogsData).resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        if (encoding === 'json') out.push(utf8.encode(encodeStructlog(sl.scope.name, r)));
        else out.push(rawBody(r.body));
      }
    }
  }
  return out;
}

/** `raw`: bytes as they are, a string as UTF-8, anything else as its JSON text. */
function rawBody(body: AnyValue | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  if (body.bytesValue !== undefined) return body.bytesValue;
  if (body.stringValue !== undefined) return utf8.encode(body.stringValue);
  return utf8.encode(anyValueJson(body));
}
