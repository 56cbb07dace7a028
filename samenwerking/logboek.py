"""Structured logs: imported by the logging config before apps load, so it imports nothing of Django."""

import json
import logging


class JsonFormatter(logging.Formatter):
    """One JSON object per line on stdout, for the log collector of the hosting organisation."""

    def format(self, record):
        entry = {
            "tijd": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "niveau": record.levelname,
            "logger": record.name,
            "bericht": record.getMessage(),
        }
        if hasattr(record, "audit"):
            entry["audit"] = record.audit
        if record.exc_info:
            entry["fout"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
