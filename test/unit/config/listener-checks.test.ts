import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../../src/builtin-components.ts';
import { formatDiagnostic } from '../../../src/config/diagnostics.ts';
import { loadConfig } from '../../../src/config/load.ts';

// validate on servers: an auth.authenticator must name a running authenticator extension,
// and a server bound beyond loopback with neither TLS nor auth gets a warning with its position.

const dir = mkdtempSync(join(tmpdir(), 'genrf-listeners-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function load(yaml: string): string[] {
  const file = join(dir, `p${++n}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig([file], createRegistry(), {}).diagnostics.map((d) => formatDiagnostic(d, dir));
}

const pipelines = `
exporters:
  debug:
service:
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
`;

describe('servers in validate', () => {
  it('warns for each server bound beyond loopback without tls or auth, at its endpoint', () => {
    const out = load(`receivers:
  otlp:
    protocols:
      grpc: { endpoint: 0.0.0.0:4317 }
      http: { endpoint: 127.0.0.1:4318 }
extensions:
  health_check: { endpoint: "[::]:13133" }
${pipelines}  extensions: [health_check]
  telemetry: { metrics: { address: 10.0.0.5:8888 } }
`);
    expect(out).toEqual([
      `p${n}.yaml:4:25: warning CFG_EXPOSED [receiver otlp] receivers.otlp.protocols.grpc.endpoint: listens on 0.0.0.0:4317, beyond loopback, with neither tls nor auth: anyone who can reach the port can use it; add tls and auth.authenticator, or bind 127.0.0.1`,
      `p${n}.yaml:7:29: warning CFG_EXPOSED [extension health_check] extensions.health_check.endpoint: listens on [::]:13133, beyond loopback, with neither tls nor auth: anyone who can reach the port can use it; add tls and auth.authenticator, or bind 127.0.0.1`,
      `p${n}.yaml:15:36: warning CFG_EXPOSED service.telemetry.metrics.address: listens on 10.0.0.5:8888, beyond loopback, with neither tls nor auth: anyone who can reach the port can use it; add tls and auth.authenticator, or bind 127.0.0.1`,
    ]);
  });

  it('says nothing for a server with tls or auth, or on loopback', () => {
    const out = load(`receivers:
  otlp:
    protocols:
      grpc: { endpoint: 0.0.0.0:4317, tls: { cert_file: /c.pem, key_file: /k.pem } }
      http: { endpoint: 0.0.0.0:4318, auth: { authenticator: bearertokenauth } }
extensions:
  bearertokenauth: { token: "\${env:TOKEN:-dev-token-123}" }
${pipelines}  extensions: [bearertokenauth]
`);
    expect(out).toEqual([]);
  });

  it('refuses an authenticator that is not defined, not started, or not an authenticator', () => {
    const out = load(`receivers:
  otlp:
    protocols:
      grpc: { auth: { authenticator: bearertokenauth/workrs } }
      http: { auth: { authenticator: basicauth } }
exporters:
  debug:
  prometheus: { auth: { authenticator: health_check } }
extensions:
  bearertokenauth/workers: { token: abcdefabcdef }
  basicauth: { htpasswd: { file: /etc/htpasswd } }
  health_check:
service:
  extensions: [bearertokenauth/workers, health_check]
  pipelines:
    logs: { receivers: [otlp], exporters: [debug] }
    metrics: { receivers: [otlp], exporters: [prometheus] }
`);
    expect(out).toEqual([
      `p${n}.yaml:4:38: error CFG_AUTH_REF [receiver otlp] receivers.otlp.protocols.grpc.auth.authenticator: auth.authenticator names "bearertokenauth/workrs", which is not under extensions: define it (bearertokenauth, basicauth or oidc); did you mean "bearertokenauth/workers"?`,
      `p${n}.yaml:5:38: error CFG_AUTH_REF [receiver otlp] receivers.otlp.protocols.http.auth.authenticator: auth.authenticator names "basicauth", which is not started: add it to service.extensions`,
      `p${n}.yaml:8:40: error CFG_AUTH_REF [exporter prometheus] exporters.prometheus.auth.authenticator: auth.authenticator names "health_check", a health_check extension, which does not authenticate: use bearertokenauth, basicauth or oidc`,
      `p${n}.yaml:11:3: warning CFG_UNUSED [extension basicauth] extensions.basicauth: extension "basicauth" is defined but not enabled: add it to service.extensions or remove it`,
    ]);
  });

  it('include_metadata without auth is an error; so is a tls block without its key', () => {
    const out = load(`receivers:
  otlp:
    protocols:
      http: { include_metadata: true, tls: { cert_file: /c.pem } }
${pipelines}`);
    expect(out.join('\n')).toContain('receivers.otlp.protocols.http.tls.key_file');
  });

  it('warns for a Kafka link that sends a SASL PLAIN password in clear, or does not check the broker; not for SASL over TLS', () => {
    const out = load(`receivers:
  kafka:
    brokers: [kafka.internal:9094]
    auth: { sasl: { mechanism: PLAIN, username: collector, password: "\${env:PW:-x}" } }
exporters:
  kafka:
    brokers: [kafka.internal:9094]
    auth: { sasl: { mechanism: SCRAM-SHA-512, username: collector, password: "\${env:PW:-x}" } }
    tls: { insecure_skip_verify: true }
  kafka/ok:
    brokers: [kafka.internal:9094]
    auth: { sasl: { mechanism: PLAIN, username: collector, password_file: /run/secrets/kafka } }
    tls: { ca_file: /etc/kafka/ca.pem }
service:
  pipelines:
    logs: { receivers: [kafka], exporters: [kafka, kafka/ok] }
`);
    expect(out).toEqual([
      `p${n}.yaml:4:32: warning CFG_INSECURE_LINK [receiver kafka] receivers.kafka.auth.sasl.mechanism: SASL PLAIN without tls sends the password in clear text to the brokers: add a tls block (or use SCRAM-SHA-512)`,
      `p${n}.yaml:9:34: warning CFG_INSECURE_LINK [exporter kafka] exporters.kafka.tls.insecure_skip_verify: the brokers' certificates are not checked: anyone on the path can pose as a broker (and read the SASL password); give tls.ca_file instead`,
    ]);
  });
});
