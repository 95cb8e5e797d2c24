"""Soak test of anonymous check-ins: a steady rate for minutes, then the same with the server killed mid-load.

What runs: a fresh PostgreSQL database on 127.0.0.1:5432 (user postgres, trust authentication; dropped at the
end), migrated, with a small campaign (one workplace, one deployed tool, an open link), set up by
``bench/submit.py``'s ``make_fixtures``; gunicorn serving the real settings on a loopback port; and a load
generator in a second process that sends real check-in POSTs to the open link (the form as the browser sends
it without JavaScript) on a fixed schedule: request i goes at start + i / rate, from a pool of threads, each
with a keep-alive connection. It is bounded in count (seconds x rate) and in time (seconds + 30).

Rate limits: the open link is made with a per-link limit of 1,000,000 an hour, and the server runs with
``CHALKFACE_OPEN_LINKS_PER_HOUR=10000000`` (the default, 36,000 an hour for all open links together, would
refuse a 100/s soak after six minutes). Access codes are limited only on failed attempts, so they would need
no change, but each would have to be made in advance; the open link needs none.

Two runs, each ``--seconds`` long:
1. steady: the load at ``--rate`` per second;
2. crash: the same, and halfway through the whole gunicorn process group is sent SIGKILL (master and
   workers, as when the machine's OOM killer or a power cut takes it) and started again on the same port.

Printed for each: planned and sent (a server slower than the rate leaves the rest of the plan unsent at the
time bound; the acknowledged rate says what it kept up with), acknowledged (302 answers seen by the client)
against stored (responses plus submissions waiting to be mixed, counted in the database), 5xx answers,
latency percentiles p50/p95/p99, and the ratio of the check-in latency to the baseline: ``GET /healthz``
(one database query) on the same server, sampled at 5 a second in the same run, from the same client
process.

Goals: stored == acknowledged and no 5xx in the steady run; in the crash run no 5xx, no acknowledged
submission lost (stored >= acknowledged), and stored - acknowledged no more than the requests cut off by the
kill (a request whose transaction committed just before the kill has no answer to acknowledge it).

    .venv/bin/python bench/soak.py                         # 10 minutes at 100/s, twice
    .venv/bin/python bench/soak.py --seconds 30            # the short form
    .venv/bin/python bench/soak.py --seconds 10 --rate 20  # what tests/core/test_soak.py runs

Needs what ``bench/submit.py`` needs: PostgreSQL on 127.0.0.1:5432 and gunicorn in the virtualenv.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.submit import (  # noqa: E402
    PG,
    free_port,
    make_fixtures,
    percentile,
    psql,
    setup_django,
    wait_for,
    warm,
)

HEALTH_PER_SECOND = 5.0


# --- Load generator (the second process) -----------------------------------------------------------------


def run_load(port: int, path: str, body: str, rate: float, seconds: float, threads: int) -> dict[str, Any]:
    """POST ``body`` to ``path`` at ``rate`` per second for ``seconds``; GET /healthz beside it."""
    total = int(rate * seconds)
    lock = threading.Lock()
    tickets = iter(range(total))
    start = time.perf_counter() + 0.2
    hard_stop = start + seconds + 30
    latencies: list[float] = []
    health: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": f"127.0.0.1:{port}"}

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=20)

    def send(conn: http.client.HTTPConnection, method: str, url: str, data: str | None) -> int:
        conn.request(method, url, body=data, headers=headers if data else {"Host": headers["Host"]})
        response = conn.getresponse()
        response.read()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
        return response.status

    def submitter() -> None:
        conn = connect()
        while True:
            with lock:
                i = next(tickets, None)
            if i is None:
                break
            due = start + i / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            if time.perf_counter() > hard_stop:
                break
            began = time.perf_counter()
            try:
                status = send(conn, "POST", path, body)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = connect()
                status = 0
                with lock:
                    errors.append(repr(exc))
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status:
                    latencies.append(time.perf_counter() - began)
        conn.close()

    def prober() -> None:
        conn = connect()
        for i in range(int(HEALTH_PER_SECOND * seconds)):
            time.sleep(max(0.0, start + i / HEALTH_PER_SECOND - time.perf_counter()))
            began = time.perf_counter()
            try:
                if send(conn, "GET", "/healthz", None) == 200:
                    health.append(time.perf_counter() - began)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = connect()
        conn.close()

    pool = [threading.Thread(target=submitter) for _ in range(threads)] + [threading.Thread(target=prober)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {
        "planned": total,
        "wall_s": time.perf_counter() - start,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latencies_ms": [x * 1000 for x in latencies],
        "health_ms": [x * 1000 for x in health],
        "transport_errors": len(errors),
        "first_errors": errors[:3],
    }


def load_main(args: argparse.Namespace) -> None:
    result = run_load(
        args.port, args.path, Path(args.body).read_text(), args.rate, args.seconds, args.threads
    )
    json.dump(result, sys.stdout)


# --- The server and the runs --------------------------------------------------------------------------------


def start_gunicorn(port: int, env: dict[str, str], workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "chalkface.wsgi:application",
        *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread"),
        *("--threads", str(threads), "--keep-alive", "5", "--chdir", str(ROOT)),
    ]
    # A session of its own, so that the crash run can kill the master and its workers together.
    proc = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT, start_new_session=True)  # noqa: S603
    wait_for(port, proc)
    deadline = time.monotonic() + 60  # the master listens at once; answering needs a booted worker
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer /healthz")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def stored(campaign_slug: str) -> int:
    """Check-ins in the database for the campaign: in the results, or waiting to be mixed into them."""
    from django.db import connections

    from chalkface.voice.models import Campaign, PendingSubmission, Response

    campaign = Campaign.objects.get(slug=campaign_slug)
    count = Response.objects.filter(campaign=campaign).count()
    count += PendingSubmission.objects.filter(campaign=campaign).count()
    connections.close_all()
    return count


def one_run(
    label: str,
    args: argparse.Namespace,
    port: int,
    path: str,
    body_file: str,
    server: list[Any],
    **crash: Any,
) -> dict[str, Any]:
    """One run of the load generator (a second process); with ``crash``, kill and restart the server
    halfway through. ``server`` holds the running gunicorn (replaced on a restart)."""
    before = stored(args.campaign)
    generator = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            __file__,
            "--load-generator",
            *("--port", str(port), "--path", path, "--body", body_file, "--rate", str(args.rate)),
            *("--seconds", str(args.seconds), "--client-threads", str(args.client_threads)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    down_s = 0.0
    if crash:
        time.sleep(args.seconds / 2)
        os.killpg(server[0].pid, signal.SIGKILL)
        server[0].wait()
        began = time.perf_counter()
        server[0] = start_gunicorn(port, crash["env"], args.workers, args.threads)
        down_s = time.perf_counter() - began
    out, _ = generator.communicate(timeout=args.seconds + 90)
    if generator.returncode:
        raise SystemExit(f"the load generator failed ({label})")
    raw = json.loads(out)
    after = stored(args.campaign)
    acknowledged = raw["statuses"].get("302", 0)
    five_xx = sum(v for k, v in raw["statuses"].items() if k.startswith("5"))
    latencies, health = raw["latencies_ms"], raw["health_ms"]
    result = {
        "label": label,
        "planned": raw["planned"],
        "sent": sum(raw["statuses"].values()),
        "acknowledged": acknowledged,
        "stored": after - before,
        "five_xx": five_xx,
        "cut_off": raw["transport_errors"],
        "statuses": raw["statuses"],
        "rate": acknowledged / raw["wall_s"] if raw["wall_s"] else 0.0,
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "health_p50_ms": percentile(health, 0.50),
        "health_p99_ms": percentile(health, 0.99),
        "down_s": down_s,
        "first_errors": raw["first_errors"],
    }
    result["ratio_p50"] = result["p50_ms"] / result["health_p50_ms"] if health else float("nan")
    result["ratio_p99"] = result["p99_ms"] / result["health_p99_ms"] if health else float("nan")
    return result


def report(r: dict[str, Any]) -> str:
    lines = [
        f"{r['label']}: {r['planned']} planned, {r['sent']} sent, {r['acknowledged']} acknowledged, "
        f"{r['stored']} stored, "
        f"{r['five_xx']} 5xx, {r['cut_off']} cut off ({r['rate']:.1f}/s acknowledged)",
        f"  check-in latency  p50 {r['p50_ms']:.1f} ms   p95 {r['p95_ms']:.1f} ms   p99 {r['p99_ms']:.1f} ms",
        f"  GET /healthz      p50 {r['health_p50_ms']:.1f} ms   p99 {r['health_p99_ms']:.1f} ms"
        f"   ratio check-in / healthz: p50 {r['ratio_p50']:.1f}x, p99 {r['ratio_p99']:.1f}x",
    ]
    if r["down_s"]:
        lines.append(f"  killed with SIGKILL halfway; restarted, answering again after {r['down_s']:.1f} s")
    if set(r["statuses"]) - {"302"}:
        lines.append(f"  statuses: {r['statuses']}  {r['first_errors']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=600.0, help="length of each run (default 600)")
    parser.add_argument("--rate", type=float, default=100.0, help="check-ins per second (default 100)")
    parser.add_argument("--client-threads", type=int, default=16, help="load generator threads (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--no-crash", action="store_true", help="only the steady run")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the bench database")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--load-generator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--body", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_generator:
        args.threads = args.client_threads
        load_main(args)
        return 0

    db = f"chalkface_soak_{os.getpid()}"
    data_dir = tempfile.mkdtemp(prefix="chalkface-soak-")
    Path(data_dir, "static").mkdir()
    env = {
        "DJANGO_SETTINGS_MODULE": "chalkface.settings",
        "DATABASE_URL": f"{PG}/{db}",
        "SECRET_KEY": "soak-only-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CHALKFACE_DATA_DIR": data_dir,
        "CHALKFACE_SSL_REDIRECT": "false",  # plain HTTP on loopback
        "CHALKFACE_HSTS_SECONDS": "0",
        "CHALKFACE_OPEN_LINKS_PER_HOUR": "10000000",  # see the note on rate limits above
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    psql(f'CREATE DATABASE "{db}"')
    server: list[Any] = []
    results: list[dict[str, Any]] = []
    try:
        setup_django(env)
        from django.db import connections

        fixtures = make_fixtures(0)
        connections.close_all()
        args.campaign = fixtures["campaign"]
        path = f"/o/{fixtures['link']}/"
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write(urllib.parse.urlencode(fixtures["answers"]))
        port = free_port()
        print(
            f"{args.seconds:.0f} s at {args.rate:.0f} check-ins/s through gunicorn ({args.workers} workers x "
            f"{args.threads} threads) and PostgreSQL database {db}, from a second process on port {port}",
            flush=True,
        )
        server.append(start_gunicorn(port, env, args.workers, args.threads))
        # Warm each worker thread (templates, the comment-protection models) before the steady run; these
        # check-ins are stored before the run's count starts. The restarted server in the crash run is cold.
        warm(port, path, urllib.parse.urlencode(fixtures["answers"]), 2 * args.workers * args.threads)
        results.append(one_run("steady", args, port, path, f.name, server))
        print(report(results[-1]), flush=True)
        if not args.no_crash:
            results.append(one_run("crash", args, port, path, f.name, server, env=env))
            print(report(results[-1]), flush=True)
        os.unlink(f.name)
    finally:
        if server:
            stop(server[0])
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            psql(f'DROP DATABASE IF EXISTS "{db}"')

    steady = results[0]
    checks = {"steady: stored == acknowledged": steady["stored"] == steady["acknowledged"]}
    checks["steady: no 5xx"] = steady["five_xx"] == 0
    if len(results) > 1:
        crash = results[1]
        checks["crash: no 5xx"] = crash["five_xx"] == 0
        checks["crash: no acknowledged check-in lost"] = crash["stored"] >= crash["acknowledged"]
        checks["crash: stored - acknowledged <= cut off"] = (
            crash["stored"] - crash["acknowledged"] <= crash["cut_off"]
        )
    for goal, met in checks.items():
        print(f"  {'PASS' if met else 'MISS'}  {goal}")
    if args.json:
        args.json.write_text(json.dumps({"runs": results, "goals": checks}, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
