"""Benchmark of anonymous check-in submissions through the real HTTP stack.

What runs: a fresh PostgreSQL database on 127.0.0.1:5432 (user postgres, trust authentication; dropped at the
end), migrated, with a campaign, workplace, tool, deployment, enough single-use access codes (made by
``actions.generate_codes``) and an open link; gunicorn serving the real settings (``bench/bench_settings.py``
adds one URL, nothing else) on a loopback port; and a load generator in a second process (Python threads,
one keep-alive ``http.client`` connection each) that sends real check-in POSTs, as the browser form sends
them without JavaScript: the access code in the body and a full valid answer set. It is bounded by
``--n`` requests and ``--time-cap`` seconds.

Baseline, "bare": a Django view that inserts one row into the same table (``bench/bare_urls.py``), served by
the same gunicorn with the same settings and middleware, driven the same way in the same run.
Ratio = our submissions per second / bare inserts per second.

Goals: at least 200 submissions per second, p99 under 250 ms, at least half the bare rate.

Afterwards it checks that every successful submission created exactly one response, that exactly that
many codes were used, and that no code was consumed twice (a re-sent code must be refused).

    .venv/bin/python bench/submit.py                     # 2000 requests each, 60 s cap, 2 workers x 4 threads
    .venv/bin/python bench/submit.py --n 5000 --concurrency 16 --workers 3

Needs PostgreSQL on 127.0.0.1:5432 with trust authentication for ``postgres`` (as in ``.ci/run``) and
gunicorn in .venv (``pip install gunicorn==27.0.1``). Nothing else: the load generator is standard library.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATE = 200.0
GOAL_P99_MS = 250.0
GOAL_RATIO = 0.5
PG = "postgres://postgres@127.0.0.1:5432"


# --- Load generator (the second process) -----------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_load(port: int, bodies: list[tuple[str, str]], concurrency: int, time_cap: float) -> dict[str, Any]:
    """POST each (path, urlencoded body) once from ``concurrency`` threads; stop at the time cap."""
    lock = threading.Lock()
    next_index = iter(range(len(bodies)))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    deadline = time.perf_counter() + time_cap
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": f"127.0.0.1:{port}"}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            path, body = bodies[i]
            start = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
                with lock:
                    errors.append(repr(exc))
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return {
        "sent": len(latencies),
        "wall_s": wall,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latencies_ms": [x * 1000 for x in latencies],
        "transport_errors": errors[:5],
    }


def load_main(args: argparse.Namespace) -> None:
    """Entry point of the load-generator process: bodies from a file, results to stdout as JSON."""
    bodies = [tuple(b) for b in json.loads(Path(args.bodies).read_text())]
    result = run_load(args.port, bodies, args.concurrency, args.time_cap)  # type: ignore[arg-type]
    json.dump(result, sys.stdout)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU time (user + system) used so far by each process, from /proc (Linux); empty elsewhere."""
    found: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return found


def worker_pids(master: int) -> list[int]:
    """gunicorn's worker processes (Linux); empty elsewhere."""
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def backend_pids(db: str) -> list[int]:
    """The PostgreSQL backends connected to the bench database (the server runs on this machine)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [db]).fetchall()
    return [int(pid) for (pid,) in rows]


def used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def drive(
    port: int,
    bodies: list[tuple[str, str]],
    args: argparse.Namespace,
    ok_status: int,
    master: int,
    db: str,
) -> dict[str, Any]:
    """Run the load generator as a second process and summarise what it saw.

    Also measures CPU time per request on each side: gunicorn's workers, the PostgreSQL backends serving
    the bench database, and the load generator (this process's waited-for child). On a shared, busy
    machine the rate swings with everyone else's load; CPU per request does not, and it shows whether the
    client was the limit. Client and server share the cores, so the client's cost is paid in both phases
    and weighs more on the cheaper one (it pulls the ratio towards 1, not away from it).
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(bodies, f)
    client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    app_before = cpu_seconds(worker_pids(master))
    db_before = cpu_seconds(backend_pids(db))
    try:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--load-generator",
                "--port",
                str(port),
                "--bodies",
                f.name,
                "--concurrency",
                str(args.concurrency),
                "--time-cap",
                str(args.time_cap),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=args.time_cap + 60,
        )
    finally:
        os.unlink(f.name)
    client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (client_after.ru_utime - client_before.ru_utime) + (
        client_after.ru_stime - client_before.ru_stime
    )
    app_cpu = used(app_before, cpu_seconds(worker_pids(master)))
    db_cpu = used(db_before, cpu_seconds(backend_pids(db)))
    raw = json.loads(out.stdout)
    ok = raw["statuses"].get(str(ok_status), 0)
    latencies = raw["latencies_ms"]
    return {
        "sent": raw["sent"],
        "ok": ok,
        "errors": raw["sent"] - ok,
        "statuses": raw["statuses"],
        "per_second": ok / raw["wall_s"] if raw["wall_s"] else 0.0,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "wall_s": raw["wall_s"],
        "transport_errors": raw["transport_errors"],
        "client_cpu_ms_per_request": client_cpu / raw["sent"] * 1000 if raw["sent"] else 0.0,
        "app_cpu_ms_per_request": app_cpu / raw["sent"] * 1000 if raw["sent"] else 0.0,
        "db_cpu_ms_per_request": db_cpu / raw["sent"] * 1000 if raw["sent"] else 0.0,
    }


# --- Set-up and checks (Django, in this process) ------------------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_fixtures(n: int) -> dict[str, Any]:
    """A campaign at one workplace about one deployed tool, ``n`` codes, and one full answer set."""
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
    from chalkface.voice import actions
    from chalkface.voice.forms import field_for
    from chalkface.voice.models import QuestionKind, QuestionSet
    from chalkface.workplaces.models import Organisation

    call_command("migrate", interactive=False, verbosity=0)
    branch = Organisation.objects.create(kind="union_branch", name="Bench Branch", slug="bench-branch")
    school = Organisation.objects.create(
        kind="school", name="Bench Primary School", slug="bench-primary", urn=999001, phase="primary"
    )
    supplier = Supplier.objects.create(name="Bench Supplier", slug="bench-supplier")
    tool = Tool.objects.create(name="LessonSpark", slug="lessonspark", supplier=supplier)
    today = timezone.localdate()
    version = ToolVersion.objects.create(tool=tool, label="2.0", release_date=today - dt.timedelta(days=30))
    Deployment.objects.create(tool=tool, workplace=school, starts_on=today - dt.timedelta(days=60))
    campaign = actions.create_campaign(
        None,
        {
            "name": "Bench check-in",
            "slug": "bench",
            "owner": branch,
            "question_set_version": QuestionSet.objects.get(slug="core-checkin").current(),
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=30),
            "threshold": 10,
        },
        [school],
        [tool],
    )
    plain: list[str] = []
    while len(plain) < n:
        count = min(actions.MAX_BATCH, n - len(plain))
        _batch, made = actions.generate_codes(None, campaign, school, count, campaign.closes_on)
        plain.extend(made)
    link = actions.create_open_link(None, campaign, school, per_hour=1_000_000)

    # A full answer set, as the browser form sends it: every question answered.
    answers: list[tuple[str, str]] = [("lang", "en-gb"), ("tool", tool.slug), ("protect", "check")]
    for question in campaign.question_set_version.ordered_questions():
        choices = [value for value, _label in field_for(question).choices] if question.kind != "text" else []
        choices = [c for c in choices if c != ""]
        if question.kind == QuestionKind.TEXT:
            answers.append(
                (question.code, "It helps with planning, but the quizzes it writes need checking.")
            )
        elif question.kind == QuestionKind.MULTIPLE:
            answers.extend((question.code, c) for c in choices[:2])
        elif question.kind == QuestionKind.NUMBER:
            answers.append((question.code, "2" if "2" in choices else choices[0]))
        elif question.kind == QuestionKind.AGREEMENT:
            answers.append((question.code, "4"))
        else:
            answers.append((question.code, choices[0]))
    return {
        "campaign": campaign.slug,
        "codes": plain,
        "answers": answers,
        "link": link.token,
        "bare": {
            "qsv": campaign.question_set_version_id,
            "workplace": school.pk,
            "tool": tool.pk,
            "version": version.pk,
        },
    }


def verify(ok_submissions: int, codes: list[str], campaign_slug: str) -> list[str]:
    """Problems found in the database after the run (an empty list means all is well)."""
    from chalkface.voice import actions
    from chalkface.voice.models import AccessCode, Campaign, Response

    campaign = Campaign.objects.get(slug=campaign_slug)
    problems: list[str] = []
    responses = Response.objects.filter(campaign=campaign, source="code").count()
    used = AccessCode.objects.filter(campaign=campaign, used=True).count()
    if responses != ok_submissions:
        problems.append(f"{ok_submissions} submissions succeeded but {responses} responses were saved")
    if used != ok_submissions:
        problems.append(f"{ok_submissions} submissions succeeded but {used} codes are marked used")
    # A used code must be refused, so no code can unlock two responses.
    used_rows = set(
        AccessCode.objects.filter(campaign=campaign, used=True).values_list("code_hash", flat=True)
    )
    from chalkface.voice import codes as codes_module

    for code in codes[:5]:
        if codes_module.digest(code) in used_rows:
            try:
                actions.check_code(campaign, code)
            except actions.CodeRejected:
                continue
            problems.append("a used code was accepted again")
    return problems


# --- The run --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def wait_for(port: int, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start listening")


def warm(port: int, path: str, body: str, count: int) -> None:
    """A few requests so each worker has connected to the database and loaded its templates."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    for _ in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", path, body=body, headers=headers)
        conn.getresponse().read()
        conn.close()


def row(label: str, r: dict[str, Any]) -> str:
    return (
        f"{label:<22} {r['per_second']:>8.1f}/s   p50 {r['p50_ms']:>7.1f} ms   p99 {r['p99_ms']:>7.1f} ms   "
        f"ok {r['ok']:>5}   errors {r['errors']:>4}   ({r['sent']} sent in {r['wall_s']:.1f} s)\n"
        f"{'':<22} CPU per request: gunicorn {r['app_cpu_ms_per_request']:.2f} ms, "
        f"PostgreSQL {r['db_cpu_ms_per_request']:.2f} ms, "
        f"load generator {r['client_cpu_ms_per_request']:.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n", type=int, default=2000, help="requests for each of ours and bare (default 2000)"
    )
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds per phase at most (default 60)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the bench database")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--load-generator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bodies", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_generator:
        load_main(args)
        return 0

    db = f"chalkface_bench_{os.getpid()}"
    data_dir = tempfile.mkdtemp(prefix="chalkface-bench-")
    Path(data_dir, "static").mkdir()  # WhiteNoise warns about a missing STATIC_ROOT
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "DATABASE_URL": f"{PG}/{db}",
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CHALKFACE_DATA_DIR": data_dir,
        "CHALKFACE_SSL_REDIRECT": "false",  # plain HTTP on loopback: no TLS terminating proxy in front
        "CHALKFACE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"Note: the machine is busy before we start (load average {load:.1f}); figures will be lower.")
    psql(f'CREATE DATABASE "{db}"')
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        setup_django(env)
        from django.db import connections

        print(f"Setting up database {db} with {args.n} access codes…", flush=True)
        fixtures = make_fixtures(args.n + 8)
        connections.close_all()
        warm_codes, codes = fixtures["codes"][:8], fixtures["codes"][8:]
        submit_path = f"/c/{fixtures['campaign']}/checkin/"
        answers = fixtures["answers"]
        ours = [(submit_path, urllib.parse.urlencode([("code", c), *answers])) for c in codes]
        bare_body = urllib.parse.urlencode(fixtures["bare"])
        bare = [("/bench/bare/", bare_body)] * args.n

        port = free_port()
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "chalkface.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--keep-alive",
            "5",
            "--chdir",
            str(ROOT),
        ]
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads (gthread), port {port}; "
            f"load: {args.concurrency} client threads in a second process; {os.cpu_count()} CPUs",
            flush=True,
        )
        gunicorn = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)  # noqa: S603
        wait_for(port, gunicorn)
        for code in warm_codes:
            warm(port, submit_path, urllib.parse.urlencode([("code", code), *answers]), 1)
        warm(port, "/bench/bare/", bare_body, 8)

        bare_result = drive(port, bare, args, ok_status=204, master=gunicorn.pid, db=db)
        ours_result = drive(port, ours, args, ok_status=302, master=gunicorn.pid, db=db)
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()

    try:
        problems = verify(ours_result["ok"] + len(warm_codes), fixtures["codes"], fixtures["campaign"])
        from chalkface.voice.models import Response

        bare_rows = Response.objects.filter(campaign=None, source="synthetic").count()
        if bare_rows != bare_result["ok"] + 8:
            problems.append(f"bare: {bare_result['ok'] + 8} inserts answered but {bare_rows} rows exist")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            psql(f'DROP DATABASE IF EXISTS "{db}"')

    ratio = ours_result["per_second"] / bare_result["per_second"] if bare_result["per_second"] else 0.0
    checks = {
        f"at least {GOAL_RATE:.0f} submissions/s": ours_result["per_second"] >= GOAL_RATE,
        f"p99 under {GOAL_P99_MS:.0f} ms": ours_result["p99_ms"] < GOAL_P99_MS,
        f"at least {GOAL_RATIO:.0%} of the bare rate": ratio >= GOAL_RATIO,
        "no errors, every submission saved once": not problems and ours_result["errors"] == 0,
    }
    print()
    print(row("check-ins (ours)", ours_result))
    print(row("bare insert view", bare_result))
    print(f"ratio ours / bare        {ratio:.2f}")
    if ours_result["errors"] or bare_result["errors"]:
        print(f"statuses: ours {ours_result['statuses']}, bare {bare_result['statuses']}")
        for err in ours_result["transport_errors"] + bare_result["transport_errors"]:
            print(f"  {err}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print()
    for goal, met in checks.items():
        print(f"  {'PASS' if met else 'MISS'}  {goal}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "ours": ours_result,
                    "bare": bare_result,
                    "ratio": ratio,
                    "problems": problems,
                    "goals": checks,
                    "gunicorn": {"workers": args.workers, "threads": args.threads},
                    "concurrency": args.concurrency,
                },
                indent=2,
            )
        )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
