import type { KeyValue } from '../pdata/types.ts';

/** Any metric data point: all five kinds carry attributes. */
export interface AnyDataPoint {
  attributes: KeyValue[];
}

// The accessor lives with the model (pdata/points.ts), written once.
export { dataPointsOf } from '../pdata/points.ts';
