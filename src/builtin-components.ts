// The one place where component factories are registered. Adding a component: write its
// folder (config, factory, implementation, README), add its factory here, then run
// `npm run schema` so that schema/pipeline.schema.json follows. A factory imports its config
// only; its implementation loads on first use (`lazyModule` of pipeline/lazy.ts, `load`).
import { Registry } from './pipeline/registry.ts';
import { otlpReceiverFactory } from './receivers/otlp/factory.ts';
import { kafkaReceiverFactory } from './receivers/kafka/factory.ts';
import { batchProcessorFactory } from './processors/batch/factory.ts';
import { memoryLimiterProcessorFactory } from './processors/memory_limiter/factory.ts';
import { attributesProcessorFactory } from './processors/attributes/factory.ts';
import { resourceProcessorFactory } from './processors/resource/factory.ts';
import { filterProcessorFactory } from './processors/filter/factory.ts';
import { resourceDetectionProcessorFactory } from './processors/resourcedetection/factory.ts';
import { redactionProcessorFactory } from './processors/redaction/factory.ts';
import { fileExporterFactory } from './exporters/file/factory.ts';
import { debugExporterFactory } from './exporters/debug/factory.ts';
import { otlpExporterFactory } from './exporters/otlp/factory.ts';
import { otlpHttpExporterFactory } from './exporters/otlphttp/factory.ts';
import { kafkaExporterFactory } from './exporters/kafka/factory.ts';
import { jaegerExporterFactory } from './exporters/jaeger/factory.ts';
import { prometheusExporterFactory } from './exporters/prometheus/factory.ts';
import { elasticsearchExporterFactory } from './exporters/elasticsearch/factory.ts';
import { forwardConnectorFactory } from './connectors/forward/factory.ts';
import { routingConnectorFactory } from './connectors/routing/factory.ts';
import { spanMetricsConnectorFactory } from './connectors/spanmetrics/factory.ts';
import { healthCheckExtensionFactory } from './extensions/health_check/factory.ts';
import { statusExtensionFactory } from './extensions/status/factory.ts';
import { fileStorageExtensionFactory } from './extensions/file_storage/factory.ts';
import { pprofExtensionFactory } from './extensions/pprof/factory.ts';
import { bearerTokenAuthExtensionFactory } from './extensions/bearertokenauth/factory.ts';
import { basicAuthExtensionFactory } from './extensions/basicauth/factory.ts';
import { oidcExtensionFactory } from './extensions/oidc/factory.ts';

export function createRegistry(): Registry {
  return new Registry([
    otlpReceiverFactory,
    kafkaReceiverFactory,
    batchProcessorFactory,
    memoryLimiterProcessorFactory,
    attributesProcessorFactory,
    resourceProcessorFactory,
    filterProcessorFactory,
    resourceDetectionProcessorFactory,
    redactionProcessorFactory,
    fileExporterFactory,
    debugExporterFactory,
    otlpExporterFactory,
    otlpHttpExporterFactory,
    kafkaExporterFactory,
    jaegerExporterFactory,
    prometheusExporterFactory,
    elasticsearchExporterFactory,
    forwardConnectorFactory,
    routingConnectorFactory,
    spanMetricsConnectorFactory,
    healthCheckExtensionFactory,
    statusExtensionFactory,
    fileStorageExtensionFactory,
    pprofExtensionFactory,
    bearerTokenAuthExtensionFactory,
    basicAuthExtensionFactory,
    oidcExtensionFactory,
  ]);
}
