import type { ExtensionFactory } from '../../pipeline/component.ts';
import { fileStorageConfig, type FileStorageConfig } from './config.ts';
import { FileStorageExtension } from './file-storage.ts';

export const fileStorageExtensionFactory: ExtensionFactory<FileStorageConfig> = {
  kind: 'extension',
  type: 'file_storage',
  description: 'Keeps exporter sending queues on disk (append-only segment logs with a CRC per record), so that acknowledged data survives kill -9',
  stability: 'beta',
  config: fileStorageConfig,
  create: (settings, config) => new FileStorageExtension(settings, config),
};
