import type { ReceiverInput } from '../../pipeline/component.ts';
import { decodeMessage } from '../../kafka/encoding.ts';
import type { Batch } from '../../pdata/batch.ts';
import { DecodeError } from '../../pdata/errors.ts';
import type { KeyValue } from '../../pdata/types.ts';
import type { KafkaReceiverConfig } from './config.ts';
import { addResourceAttributes } from './headers.ts';

/**
 * One message value as the receiver decodes it, for `genrf-collector test`: the topic's
 * encoding, the size limit and header_extraction (a message it cannot decode goes to the
 * dead-letter topic).
 */
export function decodeKafkaInput(config: KafkaReceiverConfig, input: ReceiverInput): Batch {
  if (input.body.length > config.max_message_bytes) {
    throw new DecodeError(`message of ${input.body.length} bytes is over max_message_bytes (${config.max_message_bytes})`);
  }
  const encoding = config[input.signal].encoding;
  let batch;
  try {
    batch = decodeMessage(input.signal, encoding, input.body, config.max_items_per_message);
  } catch (err) {
    throw new DecodeError(`cannot decode as ${encoding} ${input.signal}: ${(err as Error).message}`);
  }
  const h = config.header_extraction;
  if (h.extract_headers && batch.items > 0) {
    const attrs: KeyValue[] = [];
    for (const name of h.headers) {
      const found = input.headers?.find(([k]) => k === name);
      if (found) attrs.push({ key: `kafka.header.${name}`, value: { stringValue: found[1] } });
    }
    addResourceAttributes(batch, attrs);
  }
  return batch;
}
