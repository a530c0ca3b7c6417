"""gunicorn's settings for madoguchi: `make run` and deploy/systemd/madoguchi.service both use this file.

    gunicorn config.wsgi -c config/gunicorn.conf.py --bind 127.0.0.1:8000 --workers 4

Each worker serves one request at a time (gunicorn's sync worker, behind nginx which buffers slow
clients): madoguchi's requests are short and compute in Python, and threads in one process take turns
at one interpreter — at 20 clients, 4 threads per worker doubled the slowest answers (registration p95
104–140 ms against 61–71 ms with one; `make bench`). The console never waits for a resident at the card
terminal: the charge is asked on a thread of its own (``madoguchi.core.background``) while the panel polls.
Give a machine about two workers per core.

Two more things every run needs, kept here so no command line can forget them:

- The access log without the query string: ``%(U)s`` is the path alone, where the request line
  (``%(r)s``) would carry whatever was typed into a GET form. No referrer either (it is the previous
  page's full address, query string included).
- prometheus-client's multiprocess directory, so ``/metrics`` sums the request figures of every
  worker whichever worker answers the scrape. It is emptied when gunicorn starts (figures of a
  previous run must not be added to this one) and a dead worker's live figures are dropped.
"""

import os
import shutil
from pathlib import Path

_var = Path(os.environ.get("MADOGUCHI_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
# Set before the workers import the app: prometheus-client picks its storage when the first metric is made.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_var / "prometheus"))

worker_class = "sync"
threads = 1  # a command line's --threads N > 1 would turn the workers into gthread ones
# A worker silent this long is killed and replaced: as long as nginx waits for an answer (proxy_read_timeout
# in deploy/nginx/proxy.conf). An API charge without `Prefer: respond-async` waits for the tap in its request;
# past this its worker goes, and the payment, pending, is settled from the terminal's status.
timeout = 60
accesslog = "-"
# A path a person typed holding an individual number is logged as a placeholder (see the class).
logger_class = "madoguchi.core.logmask.PathMaskingLogger"
# Client address, time, method, path (never the query string), protocol, status, bytes, duration in ms, user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


def on_starting(server):
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(mode=0o700, parents=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
