import { expect, test } from 'vitest';
import { z } from 'zod';
import { buildJsonSchema } from '../../../src/config/json-schema.ts';
import { Registry } from '../../../src/pipeline/registry.ts';
import type { ExporterFactory } from '../../../src/pipeline/component.ts';
import { testRegistry } from './helpers.ts';

type J = Record<string, any>;

test("each section accepts type[/name] keys per known type, pointing at that factory's input schema", () => {
  const s = buildJsonSchema(testRegistry()) as J;
  expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  expect(s.additionalProperties).toBe(false);
  expect(Object.keys(s.properties)).toEqual(['receivers', 'processors', 'exporters', 'connectors', 'extensions', 'service']);
  const exporters = s.properties.exporters;
  expect(Object.keys(exporters.patternProperties)).toEqual(['^debug(/[^\\s/]+)*$', '^file(/[^\\s/]+)*$']);
  expect(exporters.additionalProperties).toBe(false);
  const pattern = new RegExp(Object.keys(exporters.patternProperties)[1]);
  expect(['file', 'file/app', 'file/a/b'].every((k) => pattern.test(k))).toBe(true);
  expect(['files', 'file/', 'file/a b'].some((k) => pattern.test(k))).toBe(false);
  const file = s.$defs['exporter.file'];
  expect(file.required).toEqual(['path']);
  expect(file.additionalProperties).toBe(false);
  expect(file.properties.rotation.properties.max_megabytes).toMatchObject({ type: 'integer', default: 100, minimum: 1 });
  // Durations are shown as what users write (a string like 5s, or ms), not the parsed number.
  const timeout = s.$defs['processor.batch'].properties.timeout;
  expect(timeout.default).toBe('200ms');
  expect(timeout.anyOf.map((o: J) => o.type)).toEqual(['string', 'number']);
});

test('service: pipeline ids are constrained, telemetry has its defaults', () => {
  const service = (buildJsonSchema(new Registry()) as J).properties.service;
  const pipelines = service.properties.pipelines;
  expect(new RegExp(pipelines.propertyNames.pattern).test('logs/app')).toBe(true);
  expect(new RegExp(pipelines.propertyNames.pattern).test('trace')).toBe(false);
  expect(pipelines.additionalProperties.properties.receivers).toMatchObject({ type: 'array', items: { type: 'string' } });
  expect(service.properties.telemetry.properties.metrics.properties.address.default).toBe('127.0.0.1:8888');
  expect(service.properties.shutdown_timeout.default).toBe('10s');
});

test('schemas JSON Schema cannot express do not break generation', () => {
  const odd: ExporterFactory = {
    kind: 'exporter',
    type: 'odd',
    description: 'odd',
    signals: { logs: 'alpha' },
    config: z.strictObject({
      when: z.date().optional(),
      big: z.bigint().default(1n),
      fn: z.custom<(x: number) => number>((v) => typeof v === 'function').optional(),
      mapped: z
        .string()
        .transform((s) => s.length)
        .optional(),
    }),
    create: () => {
      throw new Error('unused');
    },
  };
  const s = buildJsonSchema(new Registry([odd])) as J;
  expect(Object.keys(s.$defs['exporter.odd'].properties)).toEqual(['when', 'big', 'fn', 'mapped']);
  expect(s.$defs['exporter.odd'].properties.mapped).toMatchObject({ type: 'string' });
});
