"""gunicorn's settings for the portal: `gunicorn -c gunicorn.conf.py` from the project root.

Read from the environment like dreame_service/settings.py; the defaults suit one machine
with two cores behind the TLS proxy (DESIGN §5). docs/benchmarks.md measures them.
"""

import os

wsgi_app = "dreame_service.wsgi:application"


def _cores() -> int:
    # The cores this process may run on (a container's CPU set), not the host's count.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# GUNICORN_BIND wins (comma-separated for several); a platform that sets only PORT expects
# the app on every interface; otherwise loopback, for the proxy on the same machine.
if os.environ.get("GUNICORN_BIND"):
    bind = [address.strip() for address in os.environ["GUNICORN_BIND"].split(",")]
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]

# Threads, not more processes: a request spends much of its time waiting on PostgreSQL and
# Redis, and a thread overlaps those waits at a fraction of a process's memory; gthread also
# keeps the proxy's keep-alive connections without tying up a worker. One process per core
# runs the Python part in parallel (the GIL lets one thread per process run at a time).
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or _cores())
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# A kept-alive connection (from a proxy that keeps its upstream connections, or from wrk)
# stays with the worker that accepted it, and on one shared socket the first worker to wake
# takes most of a burst: we measured 16 of 16 connections on one worker, half the
# throughput. With a socket per worker the kernel spreads connections evenly. A recycled
# worker's queued connections are reset when its socket closes, unless the host sets
# net.ipv4.tcp_migrate_req=1 (Linux 5.14+), which hands them to the other workers.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") == "1"

# Forked from a master that has already imported Django: workers share its memory, and the
# recycling below costs a fork instead of a second of imports. Deploys restart the master.
preload_app = True
# A worker that stops answering its heartbeat for this long is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
# On restart, requests in flight get this long to finish (e-mails are in the outbox anyway).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 5)
# Recycle workers now and then, so a slow leak never grows without bound; the jitter keeps
# them from all restarting at once. Rarely, though: a recycled worker's kept-alive
# connections reconnect to the others and stay there, and the new one starts with cold
# templates and connections. At 10,000 a worker under full load recycled every 20 seconds;
# at 100,000 it is minutes under full load and about a day at the portal's traffic.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 100_000)
max_requests_jitter = max_requests // 10
# The heartbeat touches a file every second; on a disk-backed /tmp that can stall a worker.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Which front ends gunicorn believes about https (X-Forwarded-Proto). None unless set:
# Django's TRUST_PROXY_HEADERS is the one switch for trusting the proxy, and gunicorn's own
# default (127.0.0.1) would let any local process make Django see https with it off.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")

# No runtime control socket: the process manager restarts us, and the default path in
# $HOME would be shared by every gunicorn of the user (the benchmark beside the site).
control_socket_disable = True

proc_name = "dreame_service"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# The path only (%(U)s), never the request line (%(r)s) or the query (%(q)s): the status
# lookup's query string (order number and intake date) is a credential. No referrer either:
# within the site it is the previous page's full URL, that same query string included. The
# client's address is in the proxy's log; %(h)s here is the proxy.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'


def on_starting(server):
    # Paths hold credentials too (the personal link /my/<token>/): the access log gets the
    # same redaction as Django's log. Imported here, once the project is on sys.path.
    import logging

    from dreame_service.kit.log_redaction import RedactLinkTokens

    logging.getLogger("gunicorn.access").addFilter(RedactLinkTokens())


def post_worker_init(worker):
    # Upload checks decode in children of a fork server (dreame_service/sandbox.py): each
    # worker starts its own now, so no customer's upload waits for its start (~0.3 s).
    from dreame_service.kit import sandbox

    sandbox.start()
