"""Structured logs: one JSON object per line, which CloudWatch Logs Insights can query by field."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

LOGGER_NAME = "mystery_shop_etl"


class JsonFormatter(logging.Formatter):
    """Render a record as JSON: time, level, message, plus the fields passed as ``extra={"fields": {...}}``."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        return json.dumps(line, default=str)


def get_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())  # set by the ETL stack
        # The Lambda runtime puts its own (plain text) handler on the root logger; don't log twice.
        logger.propagate = False
    return logger
