"""The guide's logging configuration (section "Logging Strategy"), plus one handler: OTLP.

structlog renders its key-values as the standard library's `extra`, so that the
OpenTelemetry LoggingHandler turns them into log record attributes (`circuit_type`,
`generation_time`, ...), and the logger name becomes the instrumentation scope:
genrf-collector routes scope `genrf.security*` to the scrubbed security sink.
"""
import logging
import logging.config

import structlog

# Set by telemetry.setup() before configure() runs: the handler factory reads it.
LOGGER_PROVIDER = None


def otlp_handler():
    """The OTLP handler for dictConfig ("()" factory)."""
    from opentelemetry.sdk._logs import LoggingHandler
    return LoggingHandler(level=logging.NOTSET, logger_provider=LOGGER_PROVIDER)


def logging_config(console_level="WARNING", log_file=None):
    handlers = {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "level": console_level,
        },
        "otlp": {"()": otlp_handler},
    }
    app_handlers = ["console", "otlp"]
    security_handlers = ["otlp"]
    if log_file:
        handlers["file"] = {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": log_file,
            "maxBytes": 10485760,  # 10MB
            "backupCount": 5,
            "formatter": "json",
        }
        app_handlers.append("file")
        security_handlers.append("file")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processor": structlog.dev.ConsoleRenderer(colors=False),
                "foreign_pre_chain": [
                    structlog.stdlib.add_log_level,
                    structlog.stdlib.add_logger_name,
                    structlog.stdlib.ExtraAdder(),
                    structlog.processors.TimeStamper(fmt="iso"),
                    structlog.processors.StackInfoRenderer(),
                    structlog.processors.format_exc_info,
                ],
            },
        },
        "handlers": handlers,
        "loggers": {
            "genrf": {
                "handlers": app_handlers,
                "level": "INFO",
                "propagate": False,
            },
            # The guide keeps security logs out of the console; they carry PII (user e-mails,
            # client addresses), which the collector scrubs before they are stored.
            "genrf.security": {
                "handlers": security_handlers,
                "level": "DEBUG",
                "propagate": False,
            },
        },
    }


def configure(console_level="WARNING", log_file=None):
    logging.config.dictConfig(logging_config(console_level, log_file))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.stdlib.render_to_log_kwargs,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
