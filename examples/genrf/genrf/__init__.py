"""A genRF worker's telemetry, as the genRF observability guide writes it, on OpenTelemetry.

metrics.py      the guide's metrics (and the ones docs/genrf-metrics.md adds) as OTel instruments
logging_config.py  the guide's LOGGING_CONFIG and structlog, plus an OTLP handler
telemetry.py    providers and OTLP exporters (gRPC or HTTP) for traces, metrics and logs
generation.py   generate_circuit with the guide's trace tree, metrics and logs
"""
