import type { InstrumentationScope, KeyValue, LogRecord, Resource, Span } from '../../pdata/types.ts';
import type { Context, Mode } from './mode.ts';
import { anyValueToJson, bodyText, intToJson, levelOf, logTime, nanosToIso } from './values.ts';

// `mapping.mode: ecs`: Elastic Common Schema field names. Resource attributes with an ECS
// counterpart are renamed (the table below); every other attribute keeps its own (dotted)
// name at the top level, as the contrib exporter's ecs mode does.

const RESOURCE_TO_ECS: Readonly<Record<string, string>> = {
  'service.name': 'service.name',
  'service.version': 'service.version',
  'service.instance.id': 'service.node.name',
  'deployment.environment': 'service.environment',
  'deployment.environment.name': 'service.environment',
  'telemetry.sdk.name': 'agent.name',
  'telemetry.sdk.version': 'agent.version',
  'host.name': 'host.hostname',
  'host.id': 'host.id',
  'host.arch': 'host.architecture',
  'os.type': 'host.os.platform',
  'os.description': 'host.os.full',
  'process.pid': 'process.pid',
  'process.executable.path': 'process.executable',
  'process.command_line': 'process.command_line',
  'container.id': 'container.id',
  'k8s.pod.name': 'kubernetes.pod.name',
  'k8s.namespace.name': 'kubernetes.namespace',
};

/** The record's attributes at the top level; the resource's (in the context) win a clash. */
function topLevel(attrs: readonly KeyValue[], doc: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, unknown> {
  for (let i = 0; i < attrs.length; i++) {
    const key = attrs[i].key;
    if (!skip.has(key)) doc[key] = anyValueToJson(attrs[i].value);
  }
  return doc;
}

function ecsContext(resource: Resource, scope: InstrumentationScope): Context {
  const out: Record<string, unknown> = {};
  for (const kv of resource.attributes) out[RESOURCE_TO_ECS[kv.key] ?? kv.key] = anyValueToJson(kv.value);
  if (scope.name !== '') out['log.logger'] = scope.name;
  const json = JSON.stringify(out);
  return { json: json === '{}' ? '' : `,${json.slice(1, -1)}`, keys: new Set(Object.keys(out)) };
}

const OUTCOME = ['unknown', 'success', 'failure'];

export const ecsMode: Mode = {
  context: ecsContext,

  log(r: LogRecord, _scope: InstrumentationScope, ctx: Context): Record<string, unknown> {
    return topLevel(
      r.attributes,
      {
        '@timestamp': nanosToIso(logTime(r.timeUnixNano, r.observedTimeUnixNano)),
        message: bodyText(r.body),
        'log.level': levelOf(r.severityNumber, r.severityText)?.toLowerCase(),
        'event.severity': r.severityNumber || undefined,
        'trace.id': r.traceId || undefined,
        'span.id': r.spanId || undefined,
        'event.action': r.eventName || undefined,
      },
      ctx.keys,
    );
  },

  span(s: Span, _scope: InstrumentationScope, ctx: Context): Record<string, unknown> {
    return topLevel(
      s.attributes,
      {
        '@timestamp': nanosToIso(s.startTimeUnixNano),
        'trace.id': s.traceId,
        'span.id': s.spanId,
        'parent.id': s.parentSpanId || undefined,
        'span.name': s.name,
        'event.duration': intToJson(s.endTimeUnixNano - s.startTimeUnixNano), // nanoseconds, as ECS defines it
        'event.outcome': OUTCOME[s.status.code] ?? 'unknown',
        'error.message': s.status.code === 2 && s.status.message !== '' ? s.status.message : undefined,
      },
      ctx.keys,
    );
  },
};
