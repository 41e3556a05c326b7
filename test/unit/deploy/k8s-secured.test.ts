// The README's worked Kubernetes example ("Securing the daemon"): its Secrets validate against
// the Kubernetes OpenAPI (kubernetes-models), its Deployment patch applied to the generated
// deploy/k8s Deployment gives a valid Deployment, and every file the secured form of
// pipelines/genrf.yaml reads is mounted from a Secret key that the example provides.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Secret } from 'kubernetes-models/v1/Secret';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from './dashboard-files.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### Worked example: Kubernetes'), readme.indexOf('### What it costs'));
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
const docs: Json[] = parseAllDocuments(blocks[0] ?? '').map((d) => d.toJSON());
const patch: Json = parse(blocks[1] ?? '');
const deployment: Json = parse(readFileSync(join(ROOT, 'deploy/k8s/deployment.yaml'), 'utf8'));
const genrf = readFileSync(join(ROOT, 'pipelines/genrf.yaml'), 'utf8');

/** The patch as `kubectl patch --type strategic` applies it: containers by name, probes merged, lists of mounts and volumes added to. */
function applyPatch(base: Json, p: Json): Json {
  const out = structuredClone(base);
  const spec = out.spec.template.spec;
  const pspec = p.spec.template.spec;
  for (const pc of pspec.containers) {
    const c = spec.containers.find((x: Json) => x.name === pc.name);
    expect(c, `container ${pc.name}`).toBeDefined();
    c.volumeMounts = [...(c.volumeMounts ?? []), ...(pc.volumeMounts ?? [])];
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      if (pc[probe]) c[probe] = { ...c[probe], ...pc[probe], httpGet: { ...c[probe]?.httpGet, ...pc[probe].httpGet } };
    }
  }
  spec.volumes = [...(spec.volumes ?? []), ...(pspec.volumes ?? [])];
  return out;
}

describe("README's Kubernetes example for a secured daemon", () => {
  it('has the Certificate, two Secrets and a Deployment patch', () => {
    expect(blocks).toHaveLength(2);
    expect(docs.map((d) => d.kind)).toEqual(['Certificate', 'Secret', 'Secret']);
  });

  it('its Secrets and the patched Deployment are valid Kubernetes objects', () => {
    for (const d of docs.filter((x) => x.kind === 'Secret')) expect(() => new Secret(d).validate()).not.toThrow();
    const patched = applyPatch(deployment, patch);
    expect(() => new Deployment(patched).validate()).not.toThrow();
    const c = patched.spec.template.spec.containers[0];
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) expect(c[probe].httpGet.scheme, probe).toBe('HTTPS');
  });

  it('mounts every file the secured genrf.yaml reads, from a key its Secret has', () => {
    const patched = applyPatch(deployment, patch);
    const spec = patched.spec.template.spec;
    const mounts: Array<{ name: string; mountPath: string }> = spec.containers[0].volumeMounts;
    // What each Secret holds: cert-manager writes tls.crt, tls.key and ca.crt into its secretName.
    const keys = new Map<string, string[]>();
    for (const d of docs) {
      if (d.kind === 'Certificate') keys.set(d.spec.secretName, ['tls.crt', 'tls.key', 'ca.crt']);
      if (d.kind === 'Secret') keys.set(d.metadata.name, Object.keys({ ...d.data, ...d.stringData }));
    }
    // The files the commented (secured) lines of genrf.yaml name.
    const files = [...new Set([...genrf.matchAll(/^\s*#.*?(\/etc\/genrf\/[\w./-]+)/gm)].map((m) => m[1]))];
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const mount = mounts.find((m) => posix.dirname(file) === m.mountPath);
      expect(mount, `${file} is under a mount`).toBeDefined();
      const volume = spec.volumes.find((v: Json) => v.name === mount!.name);
      const secret = volume?.secret?.secretName;
      expect(keys.get(secret), `${file}: the Secret ${secret}`).toContain(posix.basename(file));
    }
  });
});
