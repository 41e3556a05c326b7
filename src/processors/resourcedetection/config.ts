import { z } from 'zod';

// otelcol contrib's resourcedetection processor, with the detectors that need no network:
// everything is read once, when the processor is built, never per batch.

export const DETECTORS = ['env', 'system', 'process', 'k8s'] as const;
export type DetectorName = (typeof DETECTORS)[number];

export const resourceDetectionProcessorConfig = z.strictObject({
  /** Detectors to run, in precedence order: when two set the same attribute, the first listed wins. */
  detectors: z
    .array(z.enum(DETECTORS))
    .min(1, `name at least one detector: ${DETECTORS.join(', ')}`)
    .refine((d) => new Set(d).size === d.length, 'each detector may be listed once'),
  /** Replace attributes the sender already set. Default false: only add missing ones. */
  override: z.boolean().default(false),
});

export type ResourceDetectionProcessorConfig = z.output<typeof resourceDetectionProcessorConfig>;
