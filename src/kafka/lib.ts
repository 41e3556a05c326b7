// @platformatic/kafka, loaded on first use: the library costs ~40 MiB of resident memory
// once imported, which a daemon without a Kafka component should not pay (issue 15).
type KafkaLib = typeof import('@platformatic/kafka');

let lib: KafkaLib | undefined;

/** The Kafka client library; imports it the first time. */
export async function loadKafka(): Promise<KafkaLib> {
  lib ??= await import('@platformatic/kafka');
  return lib;
}

/** The library when some component has loaded it; undefined before (no Kafka error can exist then). */
export function loadedKafka(): KafkaLib | undefined {
  return lib;
}
