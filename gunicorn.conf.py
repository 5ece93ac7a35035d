"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Access logs record the path only (%(U)s), never a query string, a referrer, a
request body or the client's address: answers travel in POST bodies and never
reach a log. Every logged value is escaped (see EscapingLogger), so a path like
/en/%0d%0a... cannot start a line of its own in the log.
"""

import logging
import multiprocessing
import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
preload_app = True  # rules are loaded and checked once, before workers start
max_requests = 10000
max_requests_jitter = 1000
limit_request_line = 2048
limit_request_fields = 50
limit_request_field_size = 4096

# No control socket (gunicornc): nothing to connect to, no socket file under $HOME or $XDG_RUNTIME_DIR.
control_socket_disable = True

accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = os.environ.get("ERROR_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def _escape_char(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_log_value(value):
    """A value safe to write in one log line: control and other unprintable characters, quotes and
    backslashes become \\xNN escapes. WSGI strings carry the request's bytes as latin-1; they are
    read back as UTF-8 so that /fr/é is logged as é, and bytes that are not UTF-8 as \\xNN."""
    if not isinstance(value, str):
        return value
    try:
        value = value.encode("latin-1").decode("utf-8", "surrogateescape")
    except UnicodeError:
        pass  # not a WSGI byte string (already text)
    if value.isprintable() and '"' not in value and "\\" not in value:
        return value
    return "".join(char if char.isprintable() and char not in '"\\' else _escape_char(char) for char in value)


_ADDRESS = re.compile(r"\b(ip|addr)=\S+?(?=[:\s]|$)")


class _NoAddressInErrors(logging.Filter):
    """The error log gets no client address ("Invalid request from ip=..."), and no raw control bytes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = _ADDRESS.sub(r"\1=-", record.getMessage())
        record.msg = "".join(c if c.isprintable() or c in "\n\t" else _escape_char(c) for c in message)
        record.args = ()
        return True


class EscapingLogger(Logger):
    """Gunicorn's logger, with every access-log atom escaped (no forged lines, no raw control bytes)
    and no client address in the error log."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_NoAddressInErrors())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: escape_log_value(value) for name, value in atoms.items()}


logger_class = EscapingLogger

# Behind a TLS-terminating proxy on the same host, trust its X-Forwarded-Proto so that
# HSTS is sent on HTTPS requests.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
