// The OpenTelemetry JS SDK as a sender: instruments recorded in the test, collected on demand
// and encoded to OTLP/protobuf by the SDK's own serializer, as an OTLP exporter would send them.
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { Meter } from '@opentelemetry/api';
import { Batch } from '../../../../src/pdata/batch.ts';

class OnDemandReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface TestSdk {
  meter: Meter;
  /** What an OTLP exporter would send now, as a batch. */
  collect(): Promise<Batch<'metrics'>>;
}

export function testSdk(temporality: 'delta' | 'cumulative', resource: Record<string, string> = { 'service.name': 'genrf-worker' }): TestSdk {
  const t = temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
  const reader = new OnDemandReader({ aggregationTemporalitySelector: () => t });
  const provider = new MeterProvider({ resource: resourceFromAttributes(resource), readers: [reader] });
  return {
    meter: provider.getMeter('genrf.metrics', '1.2.0'),
    async collect() {
      const { resourceMetrics } = await reader.collect();
      return Batch.fromProto('metrics', ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!);
    },
  };
}

/** The guide's instruments, under OpenTelemetry names and units. */
export function guideInstruments(meter: Meter) {
  return {
    circuits: meter.createCounter('genrf.circuits.generated', { description: 'Total circuits generated', unit: '1' }),
    duration: meter.createHistogram('genrf.generation.duration', {
      description: 'Time spent generating circuits',
      unit: 's',
      advice: { explicitBucketBoundaries: [1, 5, 10, 30, 60, 300, 900] },
    }),
    simulations: meter.createCounter('genrf.spice.simulations', { description: 'Total SPICE simulations run', unit: '1' }),
    convergence: meter.createCounter('genrf.spice.convergence_failures', { description: 'SPICE convergence failures', unit: '1' }),
    gpuMemory: meter.createGauge('genrf.gpu.memory', { description: 'GPU memory usage', unit: 'By' }),
    inference: meter.createHistogram('genrf.model.inference', { description: 'Neural network inference time', unit: 's' }),
    performance: meter.createHistogram('genrf.circuit.performance', {
      description: 'Generated circuit performance metrics',
      advice: { explicitBucketBoundaries: [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0] },
    }),
  };
}
