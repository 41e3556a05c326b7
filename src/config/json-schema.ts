// JSON Schema (draft 2020-12) for a whole pipeline file, generated from the same zod schemas
// that validate it, so editors and the daemon cannot disagree. Written to
// schema/pipeline.schema.json by scripts/gen-schema.ts; a test fails when that file drifts.
import { z } from 'zod';
import type { Kind } from '../pipeline/component.ts';
import type { Registry } from '../pipeline/registry.ts';
import { SECTIONS } from './component-sections.ts';
import { serviceSchema } from './service-schema.ts';

type Json = Record<string, unknown>;

/** The same name rule as parseComponentId: after the slash, no spaces and no empty parts. */
const NAME_PATTERN = '(/[^\\s/]+)*';
export const PIPELINE_ID_PATTERN = `^(traces|metrics|logs)${NAME_PATTERN}$`;

export function buildJsonSchema(registry: Registry): Json {
  const defs: Json = {};
  const properties: Json = {};
  for (const [section, kind] of SECTIONS) properties[section] = sectionSchema(kind, registry, defs);
  const service = toJson(serviceSchema, 'service', defs);
  const pipelines = (service.properties as Json | undefined)?.pipelines as Json | undefined;
  if (pipelines) {
    pipelines.propertyNames = { pattern: PIPELINE_ID_PATTERN };
    pipelines.description = 'Pipelines by id: traces, metrics or logs, optionally followed by /name (logs/app).';
  }
  properties.service = service;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'genrf-collector pipeline file',
    description: 'Generated from the component schemas by scripts/gen-schema.ts; do not edit.',
    type: 'object',
    properties,
    additionalProperties: false,
    $defs: defs,
  };
}

/** The file's text: stable key order from the registry (types are sorted), 2-space indent. */
export function renderJsonSchema(registry: Registry): string {
  return `${JSON.stringify(buildJsonSchema(registry), null, 2)}\n`;
}

function sectionSchema(kind: Kind, registry: Registry, defs: Json): Json {
  const patternProperties: Json = {};
  for (const factory of registry.list(kind)) {
    const name = `${kind}.${factory.type}`;
    const schema = toJson(factory.config, name, defs);
    if (factory.description) schema.description ??= factory.description;
    defs[name] = schema;
    // `otlp:` with nothing after it means "all defaults", so null is allowed too.
    patternProperties[`^${factory.type}${NAME_PATTERN}$`] = { anyOf: [{ $ref: `#/$defs/${name}` }, { type: 'null' }] };
  }
  return {
    description: `${kind} components by id, type[/name]; known types: ${registry.types(kind).join(', ') || 'none'}.`,
    type: ['object', 'null'],
    patternProperties,
    additionalProperties: false,
  };
}

/**
 * zod -> JSON Schema for the input side (what users write: `5s`, not milliseconds). Anything
 * JSON Schema cannot say (transforms, custom checks) becomes `{}` rather than throwing; the
 * daemon still checks it. Nested definitions are hoisted under a prefix so refs still resolve.
 */
function toJson(schema: z.ZodType, prefix: string, defs: Json): Json {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12', reused: 'inline', cycles: 'ref' }) as Json;
  delete out.$schema;
  const nested = out.$defs as Json | undefined;
  if (!nested) return out;
  delete out.$defs;
  let text = JSON.stringify(out);
  for (const key of Object.keys(nested)) {
    const ref = (k: string) => JSON.stringify(`#/$defs/${k}`);
    text = text.split(ref(key)).join(ref(`${prefix}.${key}`));
    defs[`${prefix}.${key}`] = JSON.parse(
      JSON.stringify(nested[key])
        .split(ref(key))
        .join(ref(`${prefix}.${key}`)),
    );
  }
  return JSON.parse(text) as Json;
}
