// deploy/k8s, validated offline (no cluster here) against the Kubernetes 1.36 OpenAPI schemas:
// - each document passes the schema validation kubernetes-models compiles from the
//   Kubernetes OpenAPI spec (types, required fields, enums, formats);
// - each document is checked by TypeScript against the same spec's types, which refuses
//   fields the API does not have (what `kubectl apply --validate=strict` would refuse);
// - both checks catch a broken manifest;
// - the files are what scripts/gen-k8s.ts writes, the ConfigMap is pipelines/genrf.yaml;
// - probes, preStop and the grace period fit the daemon's endpoints and shutdown_timeout;
// - the guide's genrf-hpa is there verbatim.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { gracePeriodSeconds, PRE_STOP_SECONDS, shutdownTimeoutSeconds } from '../../../scripts/k8s/collector.ts';
import { K8S_DIR, KUSTOMIZE_RESOURCES, renderK8s } from '../../../scripts/gen-k8s.ts';
import { ROOT } from './dashboard-files.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The models of the kinds deploy/k8s uses, with the interface TypeScript checks them against. */
const MODELS: Record<string, { model: new (d: Json) => { validate(): void }; type: string; from: string }> = {
  'v1/Namespace': { model: Namespace, type: 'INamespace', from: 'kubernetes-models/v1/Namespace' },
  'v1/ConfigMap': { model: ConfigMap, type: 'IConfigMap', from: 'kubernetes-models/v1/ConfigMap' },
  'v1/Service': { model: Service, type: 'IService', from: 'kubernetes-models/v1/Service' },
  'apps/v1/Deployment': { model: Deployment, type: 'IDeployment', from: 'kubernetes-models/apps/v1/Deployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': { model: HorizontalPodAutoscaler, type: 'IHorizontalPodAutoscaler', from: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler' },
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget, type: 'IPodDisruptionBudget', from: 'kubernetes-models/policy/v1/PodDisruptionBudget' },
};

const GENRF_YAML = readFileSync(join(ROOT, 'pipelines/genrf.yaml'), 'utf8');
const files = readdirSync(K8S_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const manifests = files
  .filter((f) => f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(readFileSync(join(K8S_DIR, f), 'utf8')).map((d, i) => ({ file: f, index: i, doc: d.toJSON() as Json })));
const find = (kind: string, name: string) => manifests.find((m) => m.doc.kind === kind && m.doc.metadata.name === name)!.doc;

/** Schema errors of one document ('' when valid). */
function schemaErrors(doc: Json): string {
  const m = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!m) return `no schema for ${doc.apiVersion} ${doc.kind}`;
  try {
    new m.model(doc).validate();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

/** TypeScript's verdict on documents against the API types: '' when every one fits exactly. */
const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});
function strictErrors(docs: Array<{ name: string; doc: Json }>): string {
  const dir = mkdtempSync(join(ROOT, 'test/unit/deploy/.k8s-strict-'));
  tmpDirs.push(dir);
  const lines = docs.map(({ name, doc }, i) => {
    const m = MODELS[`${doc.apiVersion}/${doc.kind}`];
    return `import type { ${m.type} as T${i} } from '${m.from}';\n// ${name}\nexport const d${i} = ${JSON.stringify(doc, null, 1)} satisfies T${i};`;
  });
  writeFileSync(join(dir, 'manifests.ts'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../../../tsconfig.json', include: ['manifests.ts'] }));
  try {
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', dir, '--noEmit'], { stdio: 'pipe' });
    return '';
  } catch (err) {
    return String((err as { stdout: Buffer }).stdout);
  }
}

describe('deploy/k8s', () => {
  it('is what scripts/gen-k8s.ts writes from pipelines/genrf.yaml (npm run k8s)', () => {
    for (const [file, text] of Object.entries(renderK8s())) expect(readFileSync(join(K8S_DIR, file), 'utf8'), file).toBe(text);
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-k8s.ts'), '--check'], { stdio: 'pipe' });
    expect(find('ConfigMap', 'genrf-collector-config').data['genrf.yaml']).toBe(GENRF_YAML);
  });

  it('every manifest passes the Kubernetes 1.36 OpenAPI schema validation', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(9);
    for (const m of manifests) expect(schemaErrors(m.doc), `${m.file}#${m.index} ${m.doc.kind}`).toBe('');
  });

  it('every manifest has only fields the API knows (strict, as kubectl --validate=strict)', () => {
    expect(strictErrors(manifests.map((m) => ({ name: `${m.file}#${m.index}`, doc: m.doc })))).toBe('');
  }, 60_000);

  it('both checks catch broken manifests', () => {
    const d = structuredClone(find('Deployment', 'genrf-collector'));
    d.spec.replicas = 'two';
    delete d.spec.template.spec.containers[0].name;
    expect(schemaErrors(d)).toMatch(/replicas|name/);
    const typo = structuredClone(find('Deployment', 'genrf-collector'));
    typo.spec.template.spec.containers[0].readinesProbe = typo.spec.template.spec.containers[0].readinessProbe;
    const hpa = structuredClone(find('HorizontalPodAutoscaler', 'genrf-collector'));
    hpa.spec.metrics[0].resource.target.averageUtilisation = 70;
    const out = strictErrors([
      { name: 'typo', doc: typo },
      { name: 'hpa', doc: hpa },
    ]);
    expect(out).toMatch(/readinesProbe/);
    expect(out).toMatch(/averageUtilisation/);
  }, 60_000);

  it('probes: readiness on /health, liveness on /health/live, both on the health_check port', () => {
    const c = find('Deployment', 'genrf-collector').spec.template.spec.containers[0];
    const health = c.ports.find((p: Json) => p.name === 'health');
    expect(health.containerPort).toBe(13133);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health', port: 'health' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'health' });
    // The daemon listens where the kubelet probes: the health_check endpoint is the pod's address.
    expect(c.env).toContainEqual({ name: 'GENRF_HEALTH_ENDPOINT', value: '$(POD_IP):13133' });
    expect(GENRF_YAML).toMatch(/health_check:\s*\n\s*endpoint: \$\{env:GENRF_HEALTH_ENDPOINT:-127\.0\.0\.1:13133\}/);
  });

  it('preStop and terminationGracePeriodSeconds leave the daemon its shutdown_timeout', () => {
    const spec = find('Deployment', 'genrf-collector').spec.template.spec;
    const preStop = spec.containers[0].lifecycle.preStop.sleep.seconds;
    expect(preStop).toBe(PRE_STOP_SECONDS);
    expect(spec.terminationGracePeriodSeconds).toBe(gracePeriodSeconds(GENRF_YAML));
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + shutdownTimeoutSeconds(GENRF_YAML) + 5);
    // A shutdown_timeout in the pipeline file moves the grace period with it.
    expect(gracePeriodSeconds(`${GENRF_YAML}\n`.replace(/^service:\n/m, 'service:\n  shutdown_timeout: 45s\n'))).toBe(PRE_STOP_SECONDS + 45 + 10);
  });

  it("the collector HPA: the guide's CPU 70% and memory 80%, and the exporters' queue fill from prometheus-adapter", () => {
    const hpa = find('HorizontalPodAutoscaler', 'genrf-collector');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'genrf-collector' });
    const byType = (t: string) => hpa.spec.metrics.filter((m: Json) => m.type === t);
    expect(byType('Resource').map((m: Json) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([
      ['cpu', 70],
      ['memory', 80],
    ]);
    const pods = byType('Pods')[0].pods;
    const adapter = parse(find('ConfigMap', 'adapter-config').data['config.yaml']) as Json;
    const rule = adapter.rules.find((r: Json) => r.name.as === pods.metric.name);
    expect(rule.metricsQuery).toMatch(/otelcol_exporter_queue_size\{<<\.LabelMatchers>>\}[\s\S]*\/[\s\S]*otelcol_exporter_queue_capacity/);
    // The guide's HPA metric too.
    expect(adapter.rules.map((r: Json) => r.name.as)).toContain('pending_generations');
  });

  it("the guide's genrf-hpa, verbatim", () => {
    const text = readFileSync(join(K8S_DIR, 'genrf-api-hpa.yaml'), 'utf8');
    expect(text).toContain(GUIDE_HPA);
    expect(schemaErrors(parse(text))).toBe('');
  });

  it('a PodDisruptionBudget keeps a collector up; the kustomization lists the files that exist', () => {
    const pdb = find('PodDisruptionBudget', 'genrf-collector');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(find('Deployment', 'genrf-collector').spec.selector.matchLabels);
    const k = parse(readFileSync(join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as Json;
    expect(k.resources).toEqual(KUSTOMIZE_RESOURCES);
    for (const r of k.resources) expect(files, r).toContain(r);
    // Everything but the adapter's own ConfigMap (another namespace, another owner) is deployed.
    expect(files.filter((f) => !k.resources.includes(f)).sort()).toEqual(['kustomization.yaml', 'prometheus-adapter-rules.yaml']);
  });
});

// The guide's "Scaling Triggers" block.
const GUIDE_HPA = `# Example Kubernetes HPA configuration
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: genrf-hpa
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: genrf-api
  minReplicas: 2
  maxReplicas: 20
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
  - type: Resource
    resource:
      name: memory
      target:
        type: Utilization
        averageUtilization: 80
  - type: Pods
    pods:
      metric:
        name: pending_generations
      target:
        type: AverageValue
        averageValue: "5"
`;
