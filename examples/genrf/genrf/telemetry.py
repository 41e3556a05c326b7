"""Tracing, metrics and logs for a genRF worker, exported over OTLP to genrf-collector.

The guide's setup_tracing() exports to a Jaeger agent (Thrift over UDP); here every signal
goes over OTLP, gRPC or HTTP, to the collector, which forwards traces to Jaeger, serves the
metrics to Prometheus and indexes the logs in Elasticsearch.
"""
from opentelemetry import metrics, trace
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from . import logging_config


def _exporters(protocol, endpoint):
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        target = endpoint.split("://", 1)[-1]
        return (OTLPSpanExporter(endpoint=target, insecure=True),
                OTLPMetricExporter(endpoint=target, insecure=True),
                OTLPLogExporter(endpoint=target, insecure=True))
    if protocol == "http":
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        base = endpoint if "://" in endpoint else f"http://{endpoint}"
        base = base.rstrip("/")
        return (OTLPSpanExporter(endpoint=f"{base}/v1/traces"),
                OTLPMetricExporter(endpoint=f"{base}/v1/metrics"),
                OTLPLogExporter(endpoint=f"{base}/v1/logs"))
    raise ValueError(f"protocol must be grpc or http, not {protocol!r}")


class Telemetry:
    def __init__(self, tracer_provider, meter_provider, logger_provider):
        self.tracer_provider = tracer_provider
        self.meter_provider = meter_provider
        self.logger_provider = logger_provider

    def shutdown(self):
        # Spans and logs first (their batches), then the last metric export.
        self.tracer_provider.shutdown()
        self.logger_provider.shutdown()
        self.meter_provider.shutdown()


def setup(protocol, endpoint, resource_attributes, export_interval_ms=1000, console_level="WARNING", log_file=None):
    """Installs the global providers; call before the first measurement or log."""
    resource = Resource.create(resource_attributes)
    span_exporter, metric_exporter, log_exporter = _exporters(protocol, endpoint)

    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter, schedule_delay_millis=500))
    trace.set_tracer_provider(tracer_provider)

    reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=export_interval_ms)
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    metrics.set_meter_provider(meter_provider)

    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(log_exporter, schedule_delay_millis=500))
    logging_config.LOGGER_PROVIDER = logger_provider
    logging_config.configure(console_level, log_file)

    return Telemetry(tracer_provider, meter_provider, logger_provider)
