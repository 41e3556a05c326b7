import type { Batch } from '../../pdata/batch.ts';
import type { KeyValue } from '../../pdata/types.ts';

/**
 * header_extraction: the given attributes (`kafka.header.<name>`) on every resource of the
 * batch. Protobuf messages keep their bytes (only the resource messages are rewritten).
 */
export function addResourceAttributes(batch: Batch, attrs: KeyValue[]): void {
  if (attrs.length === 0) return;
  batch.changeResources((resource) => {
    resource.attributes.push(...attrs);
  });
}
