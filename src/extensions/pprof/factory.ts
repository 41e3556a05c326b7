import type { ExtensionFactory } from '../../pipeline/component.ts';
import { pprofConfig, type PprofConfig } from './config.ts';
import { PprofExtension } from './pprof.ts';

export const pprofExtensionFactory: ExtensionFactory<PprofConfig> = {
  kind: 'extension',
  type: 'pprof',
  description: 'Serves V8 CPU profiles (GET /debug/pprof/profile?seconds=N, .cpuprofile) and heap snapshots (GET /debug/pprof/heap) on loopback; off unless listed in service.extensions.',
  stability: 'alpha',
  config: pprofConfig,
  create: (settings, config) => new PprofExtension(settings, config),
};
