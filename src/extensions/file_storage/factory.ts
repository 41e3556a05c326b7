import type { ExtensionFactory } from '../../pipeline/component.ts';
import { lazyModule } from '../../pipeline/lazy.ts';
import { fileStorageConfig, type FileStorageConfig } from './config.ts';

const impl = lazyModule('extension file_storage', () => import('./file-storage.ts'));

export const fileStorageExtensionFactory: ExtensionFactory<FileStorageConfig> = {
  kind: 'extension',
  type: 'file_storage',
  description: 'Keeps exporter sending queues on disk (append-only segment logs with a CRC per record), so that acknowledged data survives kill -9',
  stability: 'beta',
  config: fileStorageConfig,
  load: impl.load,
  create: (settings, config) => new impl.module.FileStorageExtension(settings, config),
};
