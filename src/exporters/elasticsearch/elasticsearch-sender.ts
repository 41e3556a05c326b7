import type { Client } from '@elastic/elasticsearch';
import type { Batch } from '../../pdata/batch.ts';
import type { LogsData, Signal, TracesData } from '../../pdata/types.ts';
import type { CreateSettings, Health } from '../../pipeline/component.ts';
import { ExportError } from '../../net/export-error.ts';
import type { Sender } from '../helper/queued-exporter.ts';
import { BulkSender, ItemsRefused } from './bulk-sender.ts';
import { JSON_HEADERS, clientError, createClient } from './client.ts';
import type { ElasticsearchExporterConfig } from './config.ts';
import { DeadLetterFile } from './dead-letter.ts';
import { BulkJob, DocumentEncoder } from './documents.ts';
import { IndexRouter } from './index-router.ts';
import type { Mode } from './mode.ts';
import { ecsMode } from './mode-ecs.ts';
import { genrfMode } from './mode-genrf.ts';
import { otelMode, rawMode } from './mode-otel.ts';
import { TemplateInstaller } from './template.ts';

const MODES: Record<ElasticsearchExporterConfig['mapping']['mode'], Mode> = { otel: otelMode, ecs: ecsMode, genrf: genrfMode, raw: rawMode };

/**
 * The exporter helper's Sender for Elasticsearch: a batch's documents (encoded once, kept
 * with the batch across retries) go out in bulk requests; only the documents still refused
 * are sent again. Also checks that the cluster answers, for `/health`.
 */
export class ElasticsearchSender implements Sender {
  readonly #settings: CreateSettings;
  readonly #config: ElasticsearchExporterConfig;
  readonly #who: string;
  readonly #encoder: DocumentEncoder;
  readonly #bulk: BulkSender;
  readonly #templates: TemplateInstaller | undefined;
  readonly #router: IndexRouter;
  // The documents of a batch, from its first attempt to its last: a retry sends only what
  // is left. Weak: a delivered or dropped batch takes its documents with it.
  readonly #jobs = new WeakMap<Batch, BulkJob>();
  readonly #deadLetter: DeadLetterFile | undefined;
  #client: Client | undefined;
  #reach: Health = { healthy: true };
  #pinger: NodeJS.Timeout | undefined;
  #versionLogged = false;

  constructor(settings: CreateSettings, config: ElasticsearchExporterConfig, signal: 'logs' | 'traces') {
    this.#settings = settings;
    this.#config = config;
    this.#who = `exporter ${settings.id.text}`;
    this.#router = new IndexRouter(config, signal);
    this.#encoder = new DocumentEncoder(MODES[config.mapping.mode], this.#router);
    const dl = config.dead_letter;
    const deadLetter = dl.path === undefined ? undefined : new DeadLetterFile(dl.path, dl.max_megabytes * 1024 * 1024, dl.max_backups);
    this.#deadLetter = deadLetter;
    this.#bulk = new BulkSender(settings, signal, { bytes: config.flush.bytes, documents: config.flush.documents }, deadLetter);
    this.#templates = config.mapping.mode === 'genrf' && config.mapping.install_template ? new TemplateInstaller(signal, this.#router) : undefined;
  }

  /** Encodes a batch's records as documents, appended to `into`. */
  encode(batch: Batch, into: BulkJob): BulkJob {
    if (batch.signal === 'logs') this.#encoder.logs(batch.data as LogsData, into);
    else this.#encoder.traces(batch.data as TracesData, into);
    return into;
  }

  /**
   * A request that could not be decoded, in the dead-letter file (when there is one) as its
   * protobuf bytes in base64: `{"type":"malformed_request","document":{"signal","otlp_protobuf_base64"}}`.
   */
  async deadLetter(batch: Batch, signal: Signal, error: string): Promise<void> {
    if (this.#deadLetter === undefined) return;
    const bytes = batch.toProto();
    const source = JSON.stringify({ signal, otlp_protobuf_base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') });
    await this.#deadLetter.write([{ index: '', status: 0, type: 'malformed_request', reason: error, source }]);
  }

  /** Hands a job to the next send of `token` (a batch that stands for the job in the queue). */
  attach(token: Batch, job: BulkJob): void {
    this.#jobs.set(token, job);
  }

  async start(): Promise<void> {
    this.#client = await createClient(this.#config, this.#who);
    // Not reachable yet is not a reason to refuse to start: data queues and is retried.
    await this.#ping();
    if (this.#templates !== undefined && this.#reach.healthy && !this.#router.varies) {
      await this.#templates.install(this.#client, this.#router.staticIndex).catch((err: ExportError) => {
        this.#settings.logger.warn({ exporter: this.#settings.id.text, err: err.message }, `${this.#who}: ${err.message}; will try again before the first bulk request`);
      });
    }
    const every = this.#config.health_check_interval;
    if (every > 0) {
      this.#pinger = setInterval(() => void this.#ping(), every);
      this.#pinger.unref();
    }
  }

  async send(batch: Batch, _signal: Signal, deadline: AbortSignal): Promise<void> {
    const client = this.#client;
    if (client === undefined) throw ExportError.permanent(`${this.#who}: not started`);
    let job = this.#jobs.get(batch);
    if (job === undefined) {
      // Without the sending queue, batches come here directly.
      job = this.encode(batch, new BulkJob());
      this.#jobs.set(batch, job);
    }
    try {
      await this.#templates?.ensure(client, job.indices, deadline);
      await this.#bulk.send(client, job, deadline);
      this.#reach = { healthy: true };
    } catch (err) {
      if (err instanceof ItemsRefused) throw err;
      const e = clientError(err, this.#who);
      if (e.retryable) this.#unreachable(e.message);
      throw e;
    }
  }

  health(): Health {
    return this.#reach;
  }

  async shutdown(): Promise<void> {
    if (this.#pinger !== undefined) clearInterval(this.#pinger);
    await this.#client?.close();
    this.#client = undefined;
  }

  async #ping(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    try {
      // _cluster/health rather than GET /: every distribution answers it (the minimal
      // integ-test build has no `GET /`), and a cluster that answers it takes bulk requests.
      const info = await client.transport.request<{ status?: string; cluster_name?: string }>(
        { method: 'GET', path: '/_cluster/health', querystring: { filter_path: 'status,cluster_name' } },
        { headers: JSON_HEADERS, maxRetries: 0, requestTimeout: 5000 },
      );
      this.#reach = { healthy: true };
      if (!this.#versionLogged) {
        this.#versionLogged = true;
        this.#settings.logger.info(
          { exporter: this.#settings.id.text, cluster: info.cluster_name, status: info.status },
          `${this.#who}: connected to Elasticsearch cluster ${info.cluster_name ?? '?'} (status ${info.status ?? '?'})`,
        );
      }
    } catch (err) {
      this.#unreachable(clientError(err, 'GET /_cluster/health').message);
    }
  }

  #unreachable(detail: string): void {
    this.#reach = { healthy: false, message: `cannot reach Elasticsearch at ${this.#config.endpoints.join(', ')}: ${detail}` };
  }
}
