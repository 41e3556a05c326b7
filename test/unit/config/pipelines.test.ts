import { expect, test } from 'vitest';
import { lines, load } from './helpers.ts';

test('references to components that are not configured name the pipeline list entry, with a suggestion', () => {
  expect(lines(['undefined-ref.yaml'])).toEqual([
    'undefined-ref.yaml:3:3: warning CFG_UNUSED [receiver otlp/2] receivers.otlp/2: receiver "otlp/2" is defined but used by no pipeline: add it to a pipeline or remove it',
    'undefined-ref.yaml:9:30: error CFG_UNDEFINED_REF [extension zpages] service.extensions[1]: references extension "zpages" which is not configured: define it under extensions or fix the name',
    'undefined-ref.yaml:12:25: error CFG_UNDEFINED_REF [receiver nop/2] service.pipelines.traces.receivers[1]: references receiver "nop/2" which is not configured: define it under receivers (or connectors) or fix the name',
    'undefined-ref.yaml:12:32: error CFG_UNDEFINED_REF [receiver otlp/3] service.pipelines.traces.receivers[2]: references receiver "otlp/3" which is not configured: define it under receivers (or connectors) or fix the name; did you mean "otlp/2"?',
    'undefined-ref.yaml:13:20: error CFG_UNDEFINED_REF [processor batch] service.pipelines.traces.processors[0]: references processor "batch" which is not configured: define it under processors or fix the name',
  ]);
});

test('a component in a pipeline of a signal it does not support', () => {
  expect(lines(['wrong-signal.yaml'])).toEqual([
    'wrong-signal.yaml:13:25: error CFG_WRONG_SIGNAL [receiver hostmetrics] service.pipelines.logs.receivers[1]: receiver "hostmetrics" does not support logs (it supports metrics): remove it from pipeline "logs" or use it in a metrics pipeline',
    'wrong-signal.yaml:17:20: error CFG_WRONG_SIGNAL [processor attributes/env] service.pipelines.metrics.processors[0]: processor "attributes/env" does not support metrics (it supports traces, logs): remove it from pipeline "metrics" or use it in a traces/logs pipeline',
  ]);
});

test('pipeline ids, empty sides, duplicates, unused components and extensions', () => {
  expect(lines(['pipeline-shape.yaml'])).toEqual([
    'pipeline-shape.yaml:3:3: warning CFG_UNUSED [receiver otlp/unused] receivers.otlp/unused: receiver "otlp/unused" is defined but used by no pipeline: add it to a pipeline or remove it',
    'pipeline-shape.yaml:9:3: warning CFG_UNUSED [extension health_check] extensions.health_check: extension "health_check" is defined but not enabled: add it to service.extensions or remove it',
    'pipeline-shape.yaml:12:5: error CFG_NO_EXPORTERS service.pipelines.logs: pipeline "logs" has no exporters: list at least one exporter or connector under exporters',
    'pipeline-shape.yaml:13:25: error CFG_DUPLICATE_REF [receiver otlp] service.pipelines.logs.receivers[1]: receiver "otlp" is listed twice in pipeline "logs": remove one',
    'pipeline-shape.yaml:15:5: error CFG_INVALID_PIPELINE_ID service.pipelines.trace: invalid pipeline id "trace": write traces, metrics or logs, optionally followed by /name (e.g. logs/app); did you mean "traces"?',
    'pipeline-shape.yaml:18:5: error CFG_NO_RECEIVERS service.pipelines.metrics: pipeline "metrics" has no receivers: list at least one receiver or connector under receivers',
  ]);
});

test('warnings alone leave a usable config', () => {
  const { config, diagnostics } = load(['merge-a.yaml', 'merge-b.yaml']);
  expect(diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  expect(config).toBeDefined();
});

test("connectors: used on one side only, unsupported signal pairs, and the connector's own check of its pipelines", () => {
  expect(lines(['connectors.yaml'])).toEqual([
    'connectors.yaml:10:68: error CFG_CONNECTOR_CHECK [connector routing/table] connectors.routing/table.table[0].pipelines[1]: routes to pipeline "logs/nowhere", which does not receive from this connector',
    'connectors.yaml:15:19: error CFG_CONNECTOR_UNPAIRED [connector routing/half] service.pipelines.traces.exporters[0]: connector "routing/half" is used as an exporter but no pipeline lists it as a receiver: add it to the receivers of the pipeline it should feed',
    'connectors.yaml:15:33: error CFG_CONNECTOR_PAIR [connector routing/pairs] service.pipelines.traces.exporters[1]: connector "routing/pairs" cannot take traces from pipeline "traces" to any pipeline it feeds (logs/x); it supports logs>logs, traces>metrics',
    'connectors.yaml:17:19: error CFG_CONNECTOR_PAIR [connector routing/pairs] service.pipelines.logs/x.receivers[0]: connector "routing/pairs" cannot feed logs pipeline "logs/x" from any pipeline that exports to it (traces); it supports logs>logs, traces>metrics',
  ]);
});

test('a cycle through connectors is printed pipeline by pipeline', () => {
  expect(lines(['cycle.yaml'])).toEqual([
    'cycle.yaml:15:19: error CFG_CYCLE [connector routing/b] service.pipelines.logs/one.exporters[0]: pipelines form a cycle through connectors: logs/one -> [routing/b] -> logs/two -> [routing/a] -> logs/one; data would loop forever: remove one connector from this loop',
  ]);
});
