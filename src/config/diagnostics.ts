// Every config diagnostic code, in one table (code -> short title). A test checks that every
// code used under src/config is listed here.
import { relative, isAbsolute } from 'node:path';
import type { Diagnostic } from './model.ts';
import { redactText } from '../telemetry/redact.ts';

export const DIAGNOSTIC_CODES = {
  CFG_FILE_NOT_FOUND: 'config file or directory not found',
  CFG_FILE_READ: 'config file could not be read',
  CFG_DIR_EMPTY: 'config directory holds no *.yaml / *.yml file',
  CFG_YAML_SYNTAX: 'YAML syntax error',
  CFG_FILE_TOO_LARGE: 'config file larger than the limit',
  CFG_YAML_ALIASES: 'YAML aliases expand past the limit (an alias bomb)',
  CFG_DUPLICATE_KEY: 'key written twice in one map',
  CFG_NOT_A_MAP: 'expected a mapping',
  CFG_ENV_UNSET: 'environment variable not set and no default given',
  CFG_ENV_MALFORMED: 'malformed ${...} reference',
  CFG_UNKNOWN_SECTION: 'unknown top-level section',
  CFG_INVALID_ID: 'malformed component id',
  CFG_UNKNOWN_TYPE: 'unknown component type',
  CFG_UNKNOWN_KEY: 'unknown key',
  CFG_INVALID_VALUE: 'invalid value',
  CFG_INVALID_PIPELINE_ID: 'malformed pipeline id',
  CFG_UNDEFINED_REF: 'reference to a component that is not configured',
  CFG_WRONG_SIGNAL: 'component does not support the pipeline signal',
  CFG_DUPLICATE_REF: 'component listed twice',
  CFG_NO_RECEIVERS: 'pipeline without receivers',
  CFG_NO_EXPORTERS: 'pipeline without exporters',
  CFG_NO_PIPELINES: 'no pipelines configured',
  CFG_CONNECTOR_UNPAIRED: 'connector used on only one side',
  CFG_CONNECTOR_PAIR: 'connector does not support this signal pair',
  CFG_CONNECTOR_CHECK: 'connector config does not match its pipelines',
  CFG_CYCLE: 'pipelines form a cycle through connectors',
  CFG_UNUSED: 'component defined but used by no pipeline',
  CFG_BUILD_FAILED: 'a component could not be built from its config',
  CFG_AUTH_REF: 'auth.authenticator names no running authenticator extension',
  CFG_EXPOSED: 'a server listens beyond loopback without TLS or authentication',
  CFG_INSECURE_LINK: "an outgoing link would send a password in clear text or not check the server's certificate",
  SEC_UNDEFINED_REF: 'service.security names a sink or scrubber that is not configured',
  SEC_LEAK: 'security records can reach an exporter that is not a security sink',
  SEC_UNSCRUBBED: 'security records can reach a security sink without passing a scrubber',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** `file:line:col: error CODE [kind id] path: message`; file relative to cwd when under it. */
export function formatDiagnostic(d: Diagnostic, cwd: string = process.cwd()): string {
  let where = '';
  if (d.pos) {
    let file = d.pos.file;
    if (isAbsolute(file)) {
      const rel = relative(cwd, file);
      if (rel && !rel.startsWith('..') && !isAbsolute(rel)) file = rel;
    }
    where = `${file}:${d.pos.line}:${d.pos.col}: `;
  }
  const comp = d.componentId ? `[${d.kind ?? kindOfPath(d.path)} ${d.componentId}] ` : '';
  const path = d.path ? `${d.path}: ` : '';
  // What validate, reload and the status page show: never a secret written in the files.
  return redactText(`${where}${d.severity} ${d.code} ${comp}${path}${d.message}`);
}

const SECTION_KIND: Record<string, string> = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  connectors: 'connector',
  extensions: 'extension',
};

function kindOfPath(path: string): string {
  const section = path.split('.', 1)[0];
  return SECTION_KIND[section] ?? 'component';
}
