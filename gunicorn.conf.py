"""gunicorn for production: `gunicorn procurement.wsgi` reads this file from the working
directory. The benchmark (`make bench`) serves with it too.

Worker model, for a 2-core machine: the views are CPU-bound Python (template rendering) with
short database waits, so one process per core plus one (3) gives the cores work while a
worker waits on PostgreSQL, and two threads per process overlap those waits further without
the memory of more processes. Each thread keeps its database connection (CONN_MAX_AGE), so
at most workers × threads = 6 connections. Scale `GUNICORN_WORKERS` with the cores.
"""

import multiprocessing
import os

workers = int(os.getenv("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.getenv("GUNICORN_THREADS", "2"))
# Large exports are built by background tasks, so a request never needs long.
timeout = 60
keepalive = 5
# Workers are recycled now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
control_socket_disable = True
