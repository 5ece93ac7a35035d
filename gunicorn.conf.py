"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Access logs record the path only (%(U)s), never a query string, a referrer or
a request body: answers travel in POST bodies and never reach a log.
"""

import multiprocessing
import os

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

accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = os.environ.get("ERROR_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# Behind a TLS-terminating proxy on the same host, trust its X-Forwarded-Proto so that
# HSTS is sent on HTTPS requests.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
