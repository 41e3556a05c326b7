// Checks of the servers components open: an `auth.authenticator` must name an authenticator
// extension that runs (defined and listed in service.extensions), and a server reachable
// beyond loopback with neither TLS nor auth gets a warning, as `run` logs one at start; so
// does an outgoing link that would send a password in clear or not check the server (kafka).
import type { Factory, Kind } from '../pipeline/component.ts';
import type { ComponentConfig, Diagnostic, ServiceConfig } from './model.ts';
import type { Section, SectionResult } from './component-sections.ts';
import { formatPath, positionFor, type PNode } from './tree.ts';
import { didYouMean } from './suggest.ts';
import { isLoopbackHost, splitEndpoint } from '../net/endpoint.ts';

const KIND: Record<string, Kind> = { receivers: 'receiver', exporters: 'exporter', extensions: 'extension' };

export function checkListeners(service: ServiceConfig, sections: Record<Section, SectionResult>, root: PNode, out: Diagnostic[]): void {
  const used = new Set<string>();
  for (const p of service.pipelines.values()) for (const id of [...p.receivers, ...p.exporters]) used.add(id);
  const running = (section: string, id: string) => (section === 'extensions' ? service.extensions.includes(id) : used.has(id));
  const authenticators = [...sections.extensions.components].filter(([, c]) => (c.factory as Factory & { authenticator?: boolean }).authenticator).map(([id]) => id);

  for (const section of ['receivers', 'exporters', 'extensions'] as const) {
    for (const [id, c] of sections[section].components) {
      if (!running(section, id)) continue;
      for (const w of (c as ComponentConfig).factory.linkWarnings?.(c.config) ?? []) {
        const path = [section, id, ...w.path];
        out.push({ severity: 'warning', code: 'CFG_INSECURE_LINK', path: formatPath(path), pos: positionFor(root, path, 'value'), componentId: id, kind: KIND[section], message: w.message });
      }
      const listeners = (c as ComponentConfig).factory.listeners?.(c.config) ?? [];
      for (const l of listeners) {
        const base = [section, id, ...l.path];
        const at = (path: (string | number)[]) => ({ path: formatPath(path), pos: positionFor(root, path, 'value'), componentId: id, kind: KIND[section] });
        if (l.authenticator !== undefined) {
          const problem = authProblem(l.authenticator, sections.extensions, service, authenticators);
          if (problem) out.push({ severity: 'error', code: 'CFG_AUTH_REF', ...at([...base, 'auth', 'authenticator']), message: problem });
        }
        if (!l.tls && l.authenticator === undefined && !isLoopbackHost(splitEndpoint(l.endpoint).host)) {
          out.push({ severity: 'warning', code: 'CFG_EXPOSED', ...at([...base, 'endpoint']), message: exposed(l.endpoint) });
        }
      }
    }
  }
  const { address, level, tls } = service.telemetry.metrics;
  if (address && level !== 'none' && !tls && !isLoopbackHost(splitEndpoint(address).host)) {
    const path = ['service', 'telemetry', 'metrics', 'address'];
    out.push({ severity: 'warning', code: 'CFG_EXPOSED', path: formatPath(path), pos: positionFor(root, path, 'value'), message: exposed(address) });
  }
}

function authProblem(ref: string, extensions: SectionResult, service: ServiceConfig, authenticators: string[]): string | undefined {
  if (!extensions.defined.has(ref)) {
    return `auth.authenticator names "${ref}", which is not under extensions: define it (bearertokenauth, basicauth or oidc)${didYouMean(ref, authenticators)}`;
  }
  const c = extensions.components.get(ref);
  if (c === undefined) return undefined; // defined but broken: already reported
  if (!authenticators.includes(ref)) return `auth.authenticator names "${ref}", a ${c.factory.type} extension, which does not authenticate: use bearertokenauth, basicauth or oidc`;
  if (!service.extensions.includes(ref)) return `auth.authenticator names "${ref}", which is not started: add it to service.extensions`;
  return undefined;
}

const exposed = (endpoint: string) => `listens on ${endpoint}, beyond loopback, with neither tls nor auth: anyone who can reach the port can use it; add tls and auth.authenticator, or bind 127.0.0.1`;
