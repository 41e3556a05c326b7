import { describe, expect, it } from 'vitest';
import { Namer, sanitizeLabel, unitWords } from '../../../../src/prom/naming.ts';

describe('prometheus names from OpenTelemetry names', () => {
  const namer = new Namer('', 'UnderscoreEscapingWithSuffixes');

  it.each([
    // The observability guide's metrics, as the genRF workers name them over OTLP.
    ['genrf.circuits.generated', '1', 'counter', 'genrf_circuits_generated_total'],
    ['genrf.generation.duration', 's', 'other', 'genrf_generation_duration_seconds'],
    ['genrf.spice.simulations', '1', 'counter', 'genrf_spice_simulations_total'],
    ['genrf.spice.convergence_failures', '1', 'counter', 'genrf_spice_convergence_failures_total'],
    ['genrf.gpu.memory', 'By', 'gauge', 'genrf_gpu_memory_bytes'],
    ['genrf.model.inference', 's', 'other', 'genrf_model_inference_seconds'],
    ['genrf.circuit.performance', '', 'other', 'genrf_circuit_performance'],
    // _total once, after the unit, wherever the sender put it.
    ['requests_total', '1', 'counter', 'requests_total'],
    ['requests.total.bytes', 'By', 'counter', 'requests_bytes_total'],
    ['genrf_circuits_generated_total', '', 'counter', 'genrf_circuits_generated_total'],
    // A name that already says its unit gets no second one.
    ['http.duration_seconds', 's', 'other', 'http_duration_seconds'],
    ['network.io', 'By/s', 'gauge', 'network_io_bytes_per_second'],
    ['packets', '{packet}', 'counter', 'packets_total'],
    ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
    ['queue.size', '{item}', 'gauge', 'queue_size'],
    ['temp', 'Cel', 'gauge', 'temp_celsius'],
    ['2xx.responses', '', 'counter', '_2xx_responses_total'],
    ['weird..name--x', 'ms', 'other', 'weird_name_x_milliseconds'],
  ] as const)('%s in "%s" (%s) -> %s', (name, unit, kind, expected) => {
    expect(namer.metric(name, unit, kind)).toBe(expected);
  });

  it('prefixes the namespace', () => {
    expect(new Namer('genrf', 'UnderscoreEscapingWithSuffixes').metric('circuits.generated', '1', 'counter')).toBe('genrf_circuits_generated_total');
  });

  it('without suffixes only changes the characters; NoTranslation keeps the name as sent', () => {
    expect(new Namer('', 'UnderscoreEscapingWithoutSuffixes').metric('genrf.gpu.memory', 'By', 'gauge')).toBe('genrf_gpu_memory');
    expect(new Namer('', 'UnderscoreEscapingWithoutSuffixes').metric('genrf.circuits.generated', '1', 'counter')).toBe('genrf_circuits_generated');
    expect(new Namer('', 'NoTranslation').metric('genrf.circuits.generated', '1', 'counter')).toBe('genrf.circuits.generated');
    expect(new Namer('', 'NoUTF8EscapingWithSuffixes').metric('genrf.gpu.memory', 'By', 'gauge')).toBe('genrf.gpu.memory_bytes');
  });

  it('unit words', () => {
    expect(unitWords('s', 'other')).toBe('seconds');
    expect(unitWords('1', 'counter')).toBe('');
    expect(unitWords('MiBy', 'gauge')).toBe('mebibytes');
    expect(unitWords('{request}/s', 'counter')).toBe('per_second');
    expect(unitWords('m/s', 'gauge')).toBe('meters_per_second');
  });

  it('label names', () => {
    expect(sanitizeLabel('service.name')).toBe('service_name');
    expect(sanitizeLabel('circuit_type')).toBe('circuit_type');
    expect(sanitizeLabel('0day')).toBe('key_0day');
    expect(sanitizeLabel('__reserved')).toBe('key__reserved');
    expect(sanitizeLabel('http.status-code')).toBe('http_status_code');
  });
});
