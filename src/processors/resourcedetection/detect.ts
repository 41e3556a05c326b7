// The detectors: each returns the attributes it found, as strings or integers. They read the
// environment and the machine through `DetectionSource`, so tests can give their own.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import type { KeyValue } from '../../pdata/types.ts';
import type { DetectorName } from './config.ts';

export interface DetectionSource {
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
  platform: string;
  arch: string;
  pid: number;
  /** service.instance.id for this daemon run. */
  instanceId: string;
}

/** Generated once when the daemon starts, so every pipeline and every reload agrees. */
const INSTANCE_ID = randomUUID();

export function processSource(): DetectionSource {
  return { env: process.env, hostname: os.hostname(), platform: process.platform, arch: process.arch, pid: process.pid, instanceId: INSTANCE_ID };
}

// Node's names -> OpenTelemetry semantic-convention values (os.type, host.arch).
const OS_TYPE: Record<string, string> = { win32: 'windows', sunos: 'solaris' };
const HOST_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: 'x86', arm: 'arm32', ppc64: 'ppc64', s390x: 's390x' };

/** The usual downward-API variable names, first set one wins. */
const K8S_VARS: Array<[string, string[]]> = [
  ['k8s.pod.name', ['K8S_POD_NAME', 'POD_NAME']],
  ['k8s.pod.uid', ['K8S_POD_UID', 'POD_UID']],
  ['k8s.namespace.name', ['K8S_NAMESPACE', 'K8S_NAMESPACE_NAME', 'POD_NAMESPACE']],
  ['k8s.node.name', ['K8S_NODE_NAME', 'NODE_NAME']],
];

export interface Detected {
  attributes: KeyValue[];
  /** Problems worth a warning (a malformed OTEL_RESOURCE_ATTRIBUTES). */
  warnings: string[];
}

/** Runs the detectors in order; an attribute found by an earlier detector is kept. */
export function detect(detectors: readonly string[], src: DetectionSource): Detected {
  const attributes: KeyValue[] = [];
  const warnings: string[] = [];
  const add = (key: string, value: string | number) => {
    if (attributes.some((a) => a.key === key)) return;
    attributes.push({ key, value: typeof value === 'number' ? { intValue: BigInt(value) } : { stringValue: value } });
  };
  for (const d of detectors as DetectorName[]) {
    switch (d) {
      case 'env': {
        const text = src.env.OTEL_RESOURCE_ATTRIBUTES;
        if (text === undefined || text.trim() === '') break;
        const parsed = parseResourceAttributes(text);
        if (typeof parsed === 'string') warnings.push(parsed);
        else for (const [k, v] of parsed) add(k, v);
        break;
      }
      case 'system':
        if (src.hostname !== '') add('host.name', src.hostname);
        add('os.type', OS_TYPE[src.platform] ?? src.platform);
        if (HOST_ARCH[src.arch] !== undefined) add('host.arch', HOST_ARCH[src.arch]);
        break;
      case 'process':
        add('process.pid', src.pid);
        add('service.instance.id', src.instanceId);
        break;
      case 'k8s':
        for (const [key, names] of K8S_VARS) {
          const v = names.map((n) => src.env[n]).find((x) => x !== undefined && x.trim() !== '');
          if (v !== undefined) add(key, v.trim());
        }
        break;
    }
  }
  return { attributes, warnings };
}

/**
 * OTEL_RESOURCE_ATTRIBUTES as the OpenTelemetry spec defines it: `key=value` pairs separated
 * by commas, values percent-encoded. On any malformed pair the whole variable is ignored
 * (as the spec asks) and a message says why.
 */
export function parseResourceAttributes(text: string): Array<[string, string]> | string {
  const out: Array<[string, string]> = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    if (key === '') return `OTEL_RESOURCE_ATTRIBUTES is ignored: "${part.trim()}" is not key=value (separate pairs with commas, percent-encode commas and = in values)`;
    try {
      out.push([key, decodeURIComponent(part.slice(eq + 1).trim())]);
    } catch {
      return `OTEL_RESOURCE_ATTRIBUTES is ignored: the value of "${key}" has an invalid percent-encoding`;
    }
  }
  return out;
}
