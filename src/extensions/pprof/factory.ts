import type { ExtensionFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { pprofConfig, type PprofConfig } from './config.ts';

const impl = lazyModule('extension pprof', () => import('./pprof.ts'));

export const pprofExtensionFactory: ExtensionFactory<PprofConfig> = {
  kind: 'extension',
  type: 'pprof',
  description: 'Serves V8 CPU profiles (GET /debug/pprof/profile?seconds=N, .cpuprofile) and heap snapshots (GET /debug/pprof/heap) on loopback; off unless listed in service.extensions.',
  stability: 'alpha',
  config: pprofConfig,
  load: impl.load,
  create: (settings, config) => new impl.module.PprofExtension(settings, config),
};
