// Where the Kafka benchmarks find the broker: KAFKA_BROKERS, else the .services.env that
// scripts/services/up writes; undefined when neither names one or nothing listens there.
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { resolve } from 'node:path';

export async function kafkaBrokers(): Promise<string[] | undefined> {
  let list = process.env.KAFKA_BROKERS;
  if (!list) {
    const env = await readFile(resolve(import.meta.dirname, '../.services.env'), 'utf8').catch(() => '');
    list = /^KAFKA_BROKERS=(.*)$/m.exec(env)?.[1]?.trim();
  }
  if (!list) return undefined;
  const brokers = list
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const [host, port] = brokers[0].split(':');
  const open = await new Promise<boolean>((res) => {
    const s = connect(Number(port), host, () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
    s.setTimeout(2000, () => {
      s.destroy();
      res(false);
    });
  });
  return open ? brokers : undefined;
}
