import { Batch } from '../pdata/batch.ts';
import { DecodeError, TooManyItemsError } from '../pdata/errors.ts';
import { checkJsonItems } from '../pdata/json/count.ts';
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

/** OTLP/JSON messages above this are counted before JSON.parse builds them (as the otlp receiver does). */
const JSON_PRECOUNT_BYTES = 1024 * 1024;

/**
 * A message value as a batch. OTLP protobuf is only scanned (validated and counted), so a
 * pipeline that never looks inside forwards the bytes. Throws DecodeError, and
 * TooManyItemsError once an OTLP message holds more than `maxItems` items: the protobuf scan
 * stops at the first item beyond it, and a large JSON message is counted before it is parsed.
 */
export function decodeMessage(signal: Signal, encoding: KafkaEncoding, value: Uint8Array, maxItems = Number.POSITIVE_INFINITY): Batch {
  switch (encoding) {
    case 'otlp_proto':
      try {
        return Batch.fromProto(signal, value, countProtoItems(signal, value, maxItems));
      } catch (e) {
        throw e instanceof TooManyItemsError ? perMessage(e) : e;
      }
    case 'otlp_json': {
      if (value.length > JSON_PRECOUNT_BYTES && maxItems !== Number.POSITIVE_INFINITY) {
        try {
          checkJsonItems(signal, value, maxItems);
        } catch (e) {
          throw e instanceof TooManyItemsError ? perMessage(e) : e;
        }
      }
      const batch = Batch.of(signal, decodeJson(signal, value));
      if (batch.items > maxItems) throw new TooManyItemsError(`${batch.items} items in one message, more than ${maxItems} (max_items_per_message)`, maxItems);
      return batch;
    }
    case 'json':
      return Batch.of('logs', decodeStructlog(value), 1);
    case 'raw':
      return Batch.of('logs', rawLogs(value), 1);
  }
  throw new DecodeError(`unknown encoding ${String(encoding)}`);
}

/** The scanners name the otlp receiver's option; a Kafka message has its own. */
function perMessage(e: TooManyItemsError): TooManyItemsError {
  return new TooManyItemsError(e.message.replace('in one request (max_items_per_request)', 'in one message (max_items_per_message)'), e.limit);
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
