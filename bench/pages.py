"""How long the insight pages, the results API and ``chalkface alerts`` take at national scale, and how much
memory a web worker needs for them, against a floor: the same figures computed directly in DuckDB over a
Parquet extract of the same check-ins, in the same run.

What runs, for each size:

1. a PostgreSQL database on 127.0.0.1:5432 (user postgres, trust authentication), migrated; ``chalkface
   synth`` (22,000 workplaces x 12 months, ``--responses`` check-ins) and ``chalkface load`` (COPY), each
   timed. With ``--keep`` the loaded database is kept, named by size and seed, and reused by later runs
   (migrated first, so that new migrations apply to it as they would in production);
2. a national union officer (a union officer of the union the synthetic campaign shares its results with)
   with a password and an API token (made by ``chalkface.api.actions.create_token``); 100 more officers
   who subscribe to alerts (``chalkface.insights.actions.set_subscription``);
3. gunicorn as docs/deploying.md runs it (``gunicorn chalkface.wsgi --workers 3``), with a generous
   ``--timeout`` so that slow pages are measured rather than killed, and the task worker
   (``chalkface worker``) beside it: a page whose audience holds more check-ins than
   ``CHALKFACE_COMPUTE_ON_VIEW_MAX`` and has nothing kept answers at once that its figures are coming and
   the worker computes them; the time until they are ready is printed, then the page is timed as viewers
   get it;
4. a ``requests`` session that logs in through the real login form (CSRF and all), then times each page and
   API call ``--repeat`` times (median), checking that each answer is 200 and holds real figures, while
   sampling the serving worker's resident memory (its peak, VmHWM, reset before each request). Before each
   call the release history is forgotten (the benchmark's database is its own), so that every call is
   judged from the same state, whatever was measured before it;
5. ``chalkface alerts`` as a subprocess with 1 subscriber and with 100 (its peak memory from wait4);
6. the floor: the check-ins written to Parquet with PostgreSQL COPY (timed), then each call's figures in
   DuckDB (``bench/pages_floor.py`` says exactly what), median of ``--repeat``.

It prints one table per size (call, median s, peak worker MB, floor s, ratio, goals met) and, for several
sizes, how each call's time grows. Goals: every page under 1 s and within 4x of its floor, every worker
under 600 MB; alerts for 100 subscribers about the same as for one.

    .venv/bin/python bench/pages.py --responses 100000
    .venv/bin/python bench/pages.py --sizes 100000,300000,1003200 --keep --json pages.json
    .venv/bin/python bench/pages.py --keep --calls overview,tool,api_tool --timeout 90

Needs PostgreSQL on 127.0.0.1:5432 with trust authentication for ``postgres`` (as in ``.ci/run``) and the
dev extra (duckdb, requests). Linux: worker memory comes from /proc.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pages_floor  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DEFAULT_RESPONSES = 1_003_200
WORKPLACES, MONTHS = 22_000, 12
GOAL_SECONDS, GOAL_RATIO, GOAL_MB = 1.0, 4.0, 600.0
WORKERS = 3  # as in docs/deploying.md
OFFICER = "national-officer@bench.chalkface.test"
SUBSCRIBER = "alerts-{:03d}@bench.chalkface.test"
SUBSCRIBERS = 100
CALLS = (
    "overview",
    "tool",
    "tool_filtered",
    "compare",
    "workplace",
    "brief",
    "api_tool",
    "api_export",
    "alerts_1",
    "alerts_100",
)
LABELS = {
    "overview": "overview /insights/",
    "tool": "tool page (largest)",
    "tool_filtered": "tool page, role+phase",
    "compare": "version comparison",
    "workplace": "workplace page",
    "brief": "brief (HTML)",
    "api_tool": "API tool results",
    "api_export": "API export (JSON)",
    "alerts_1": "alerts, 1 subscriber",
    "alerts_100": "alerts, 100 subscribers",
}


def echo(text: str = "") -> None:
    print(text, flush=True)


# --- Inside Django (a child process per step, since each size has its own database) -------------------------


def _forget_releases() -> int:
    from chalkface.insights.models import ReleasedGroup, ReleaseIsolation, ReleaseRecord

    deleted = 0
    for model in (ReleasedGroup, ReleaseIsolation, ReleaseRecord):
        deleted += model.objects.all().delete()[0]
    return deleted


def forget_main() -> dict[str, Any]:
    """Forget the release history (what was released, to anyone), so that each call starts from the same
    state: the history judges a new group against every group released before, so without this a page's
    answer (figures, or a group hidden) would depend on the pages measured before it. The benchmark's
    database is its own; a real deployment never forgets its history."""
    import django

    django.setup()
    return {"forgotten": _forget_releases()}


def prepare_main(subscribers: int | None) -> dict[str, Any]:
    """Accounts, token and the pages to measure; with ``subscribers``, exactly that many alert subscribers."""
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse

    from chalkface.accounts.models import Membership, Role, User
    from chalkface.api import actions as api_actions
    from chalkface.api.models import ApiToken
    from chalkface.demo.actions.checkins import SYNTHETIC_CAMPAIGN
    from chalkface.insights import actions as alerts
    from chalkface.insights.models import Alert, Subscription
    from chalkface.register.models import Deployment, Tool, ToolVersion
    from chalkface.voice.models import Campaign, IncidentReport, Response, Share
    from chalkface.workplaces.models import Organisation

    campaign = Campaign.objects.get(slug=SYNTHETIC_CAMPAIGN)
    # The organisation the synthetic campaign shares its results with: the national union.
    union = campaign.shares.filter(what=Share.RESULTS).select_related("organisation").first().organisation  # type: ignore[union-attr]

    def officer(email: str, name: str) -> User:
        user = User.objects.filter(email=email).first() or User.objects.create_user(email, None, name=name)
        Membership.objects.get_or_create(user=user, organisation=union, role=Role.UNION_OFFICER)
        return user

    tools = list(Response.objects.values("tool__slug").annotate(n=Count("pk")).order_by("-n", "tool__slug"))
    places = list(
        Response.objects.values("workplace_id", "workplace__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "workplace_id")[:SUBSCRIBERS]
    )
    bench_users = User.objects.filter(email__endswith="@bench.chalkface.test")
    if subscribers is not None:
        users = [officer(SUBSCRIBER.format(i + 1), f"Alert subscriber {i + 1}") for i in range(SUBSCRIBERS)]
        for i, user in enumerate(users):
            tool = Tool.objects.get(slug=tools[i % len(tools)]["tool__slug"])
            place = Organisation.objects.get(pk=places[i % len(places)]["workplace_id"])
            on = i < subscribers
            alerts.set_subscription(user, tool=tool, on=on)
            alerts.set_subscription(user, workplace=place, on=on)
        # Each run starts from the same state: no alerts raised before, nothing shown before.
        Alert.objects.filter(user__in=bench_users).delete()
        _forget_releases()
        return {"subscriptions": Subscription.objects.filter(user__in=users).count()}

    user = officer(OFFICER, "National officer")
    password = os.urandom(12).hex()
    user.set_password(password)
    user.save()
    for token in ApiToken.objects.filter(user=user).active():
        api_actions.revoke_token(user, token)
    _token, raw = api_actions.create_token(user, "pages benchmark")
    _forget_releases()

    slug = tools[0]["tool__slug"]
    tool = Tool.objects.get(slug=slug)
    counts = dict(
        Response.objects.filter(tool=tool, tool_version__isnull=False)
        .values_list("tool_version__label")
        .annotate(n=Count("pk"))
    )
    versions = [
        v
        for v in ToolVersion.objects.filter(tool=tool)
        .order_by("release_date")
        .values_list("label", flat=True)
        if counts.get(v, 0) >= campaign.threshold
    ]
    role, phase, _n = (
        Response.objects.filter(tool=tool)
        .exclude(role="")
        .values_list("role", "workplace__phase")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    place = places[0]
    tables = {
        "response": Response._meta.db_table,
        "tool": Tool._meta.db_table,
        "version": ToolVersion._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "incident": IncidentReport._meta.db_table,
        "deployment": Deployment._meta.db_table,
    }
    query = f"?role={role}&phase={phase}"
    return {
        "email": OFFICER,
        "password": password,
        "token": raw,
        "campaign": campaign.slug,
        "total": Response.objects.count(),
        "tool": slug,
        "tool_name": tool.name,
        "tool_n": tools[0]["n"],
        "before": versions[-2] if len(versions) > 1 else "",
        "after": versions[-1] if versions else "",
        "role": role,
        "phase": phase,
        "workplace": place["workplace__slug"],
        "workplace_id": place["workplace_id"],
        "workplace_n": place["n"],
        "alert_workplaces": [p["workplace_id"] for p in places],
        "tables": tables,
        "today": __import__("datetime").date.today().isoformat(),
        "urls": {
            "login": reverse("login"),
            "warm": reverse("insights:alerts"),
            "overview": reverse("insights:overview"),
            "tool": reverse("insights:tool", args=[slug]),
            "tool_filtered": reverse("insights:tool", args=[slug]) + query,
            "compare": reverse("insights:compare", args=[slug])
            + (f"?before={versions[-2]}&after={versions[-1]}" if len(versions) > 1 else ""),
            "workplace": reverse("insights:workplace", args=[place["workplace__slug"]]),
            "brief": reverse("insights:brief", args=[slug]),
            "api_tool": f"/api/v1/tools/{slug}/results",
            "api_export": f"/api/v1/campaigns/{campaign.slug}/export?format=json",
        },
    }


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def pg_check() -> None:
    try:
        import psycopg
    except ImportError as exc:
        raise SystemExit("psycopg is not installed: run `bash scripts/setup.sh` first") from exc
    try:
        with psycopg.connect(f"{PG}/postgres", connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        raise SystemExit(
            f"PostgreSQL is not reachable at {PG} (user postgres, trust authentication): {exc}".strip()
        ) from None


def psql(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        cursor = conn.execute(sql, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def drop_database(db: str) -> None:
    psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [db])
    psql(f'DROP DATABASE IF EXISTS "{db}"')


def marker(size: int, seed: int) -> str:
    return f"chalkface pages bench: loaded {size} check-ins, seed {seed}"


def loaded(db: str, size: int, seed: int) -> bool:
    rows = psql("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [db])
    return bool(rows) and rows[0][0] == marker(size, seed)


# --- Processes ----------------------------------------------------------------------------------------------


def run(command: list[str], env: dict[str, str], what: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return time.perf_counter() - started, done.stdout


def prepare(env: dict[str, str], subscribers: int | None = None, forget: bool = False) -> dict[str, Any]:
    command = [sys.executable, __file__, "--forget" if forget else "--prepare"]
    if subscribers is not None:
        command += ["--subscribers", str(subscribers)]
    _seconds, out = run(command, env, "preparing accounts")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def reset_peak(pid: int) -> bool:
    """Reset the process's VmHWM to its current RSS (Linux 4.0+, needs to own the process)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class MemoryWatch:
    """Samples the RSS of the given processes every 20 ms; with VmHWM reset, also reads their exact peak."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak_kb = dict.fromkeys(pids, 0)
        self.cpu_before = {pid: cpu_seconds(pid) for pid in pids}
        self.hwm_reset = all([reset_peak(pid) for pid in pids])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                self.peak_kb[pid] = max(self.peak_kb[pid], status_kb(pid, "VmRSS"))
            self._stop.wait(0.02)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for pid in self.pids:
            if self.hwm_reset:
                self.peak_kb[pid] = max(self.peak_kb[pid], status_kb(pid, "VmHWM"))

    def serving(self) -> int | None:
        """The worker that did the work: the one whose CPU time grew most."""
        grown = {pid: cpu_seconds(pid) - self.cpu_before[pid] for pid in self.pids}
        return max(grown, key=lambda pid: grown[pid]) if grown else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn as docs/deploying.md runs it, plus a generous timeout and the import-warming hook."""

    def __init__(self, env: dict[str, str], timeout: int, log: Path, db: str) -> None:
        self.db = db
        self.port = free_port()
        self.command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "chalkface.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            str(timeout),
            "--config",
            "python:bench.pages_gunicorn",
        ]
        self.log = log
        self._log_file = log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603
            self.command, env=env, cwd=ROOT, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        self.wait_ready()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited during start-up; see {self.log}:\n{self.tail()}")
            if len(self.workers()) == WORKERS and self._listening():
                return
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start {WORKERS} workers; see {self.log}:\n{self.tail()}")

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def workers(self) -> list[int]:
        return worker_pids(self.proc.pid)

    def kill_worker(self, pid: int) -> None:
        """A worker still busy with a timed-out request: kill it (gunicorn starts a fresh one)."""
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        # and whatever query it left running
        psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND state = 'active'",
            [self.db],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (pid in self.workers() or len(self.workers()) < WORKERS):
            time.sleep(0.2)
        time.sleep(3)  # the new worker loads the application and runs the import hook

    def tail(self) -> str:
        with suppress(OSError):
            return self.log.read_text(errors="replace")[-3000:]
        return ""

    def stop(self) -> None:
        stop_process(self.proc)
        self._log_file.close()


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL if it has not gone within 30 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class TaskWorker:
    """``chalkface worker`` beside gunicorn, as docs/deploying.md runs it: it computes the figures a page
    hands it (audiences above CHALKFACE_COMPUTE_ON_VIEW_MAX) and keeps them; its peak memory is sampled."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._log_file = log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).parent / "chalkface"), "worker"],
            env=env,
            cwd=ROOT,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def peak_mb(self) -> float | None:
        pids = [self.proc.pid, *worker_pids(self.proc.pid)]
        peaks = [status_kb(pid, "VmHWM") for pid in pids]
        return max(peaks) / 1024 if any(peaks) else None

    def stop(self) -> None:
        stop_process(self.proc)
        self._log_file.close()


# --- Timing the pages ---------------------------------------------------------------------------------------


def login(server: Server, target: dict[str, Any]) -> Any:
    import requests

    session = requests.Session()
    url = server.url + target["urls"]["login"]
    page = session.get(url, timeout=120)  # the first request waits for a worker to finish booting
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or not found:
        raise SystemExit(f"The login page did not answer with a form (status {page.status_code})")
    answer = session.post(
        url,
        data={"username": target["email"], "password": target["password"], "csrfmiddlewaretoken": found[1]},
        headers={"Referer": url},
        timeout=30,
        allow_redirects=False,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"Logging in failed (status {answer.status_code})")
    return session


def warm(server: Server, session: Any, target: dict[str, Any]) -> None:
    """A few cheap requests at once, so that every worker has its database connection and templates."""
    import requests

    cookies = session.cookies.get_dict()

    def one() -> None:
        with suppress(requests.RequestException):
            requests.get(server.url + target["urls"]["warm"], cookies=cookies, timeout=60)

    threads = [threading.Thread(target=one) for _ in range(WORKERS * 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def check(call: str, response: Any, target: dict[str, Any]) -> str:
    """'ok' when the answer is 200 and holds real figures; otherwise what it was."""
    if response.status_code != 200:
        return f"status {response.status_code}"
    text = response.text
    if call.startswith("api_"):
        try:
            data = response.json()
        except ValueError:
            return "not JSON"
        if call == "api_tool":
            return "ok" if data.get("n_responses") and data.get("headline") else "no figures"
        overall = data.get("tables", {}).get("estimates_overall") or []
        return "ok" if any(row.get("estimate") is not None for row in overall) else "no figures"
    if 'class="refusal"' in text:
        return "refused"
    if call == "overview":  # the count shown is perturbed a little (cell-key), so look for a number
        shown = re.search(r"Check-ins you can see results for</dt><dd>([\d,]+)</dd>", text)
        return "ok" if shown and int(shown[1].replace(",", "")) > 0.9 * target["total"] else "no figures"
    markers = {
        "overview": f"{target['total']:,}",
        "tool": "check-ins from",
        "tool_filtered": "check-ins from",
        "compare": "comparison-caption",
        "workplace": 'class="result-count"',
        "brief": f"check-ins about {target['tool_name']}",
    }
    return "ok" if markers[call] in text else "no figures"


def time_page(
    server: Server, session: Any, target: dict[str, Any], call: str, repeat: int, timeout: float
) -> dict[str, Any]:
    import requests

    url = server.url + target["urls"][call]
    headers = {"Authorization": f"Bearer {target['token']}"} if call.startswith("api_") else {}
    getter = requests.get if call.startswith("api_") else session.get
    times: list[float] = []
    peaks: list[float] = []
    statuses: list[str] = []
    sizes: list[int] = []
    # An audience above CHALKFACE_COMPUTE_ON_VIEW_MAX with nothing kept: the page answers 202 at once and
    # the task worker computes the figures. How long until they are ready is reported, not timed as a view.
    started = time.perf_counter()
    ready_s: float | None = None
    pending = 0
    while time.perf_counter() - started < timeout:
        try:
            first = getter(url, headers=headers, timeout=timeout)
        except requests.RequestException:
            break
        if first.status_code != 202:
            ready_s = time.perf_counter() - started
            break
        pending += 1
        time.sleep(1.0)
    if pending:
        echo(f"  {call:<14} computed by the task worker, ready after {ready_s or float('nan'):.1f} s")
    elif ready_s is not None:
        echo(f"  {call:<14} first view {ready_s:8.2f} s  (computes what is not kept yet; not in the median)")
    for _ in range(repeat):
        watch = MemoryWatch(server.workers())
        started = time.perf_counter()
        try:
            with watch:
                response = getter(url, headers=headers, timeout=timeout)
                elapsed = time.perf_counter() - started
        except requests.Timeout:
            statuses.append("timeout")
            busy = watch.serving()
            echo(f"  {call}: no answer within {timeout:.0f} s; stopping worker {busy}")
            if busy:
                server.kill_worker(busy)
                warm(server, session, target)
            break
        except requests.RequestException as exc:
            statuses.append(f"error {type(exc).__name__}")
            break
        status = check(call, response, target)
        statuses.append(status)
        busy = watch.serving()
        times.append(elapsed)
        peaks.append(watch.peak_kb.get(busy, 0) / 1024 if busy else float("nan"))
        sizes.append(len(response.content))
        echo(f"  {call:<14} {elapsed:8.2f} s  {peaks[-1]:7.0f} MB  {status}")
        if status != "ok":
            break
    return {
        "median_s": statistics.median(times) if times else None,
        "times_s": times,
        "peak_mb": max(peaks) if peaks else None,
        "peaks_mb": peaks,
        "status": next((s for s in statuses if s != "ok"), "ok") if statuses else "not run",
        "bytes": max(sizes) if sizes else None,
        "url": target["urls"][call],
        "worker_ready_s": ready_s if pending else None,
        "first_view_s": None if pending else ready_s,
    }


def time_alerts(env: dict[str, str], subscribers: int, repeat: int, timeout: float) -> dict[str, Any]:
    """``chalkface alerts`` as a subprocess: wall time and its peak memory (ru_maxrss from wait4)."""
    made = prepare(env, subscribers=subscribers)
    command = [str(Path(sys.executable).parent / "chalkface"), "alerts"]
    times: list[float] = []
    peaks: list[float] = []
    status = "ok"
    output = ""
    for _ in range(repeat):
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
            usage = None
            code = 0
            while usage is None:
                pid, wait_status, rusage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    usage, code = rusage, os.waitstatus_to_exitcode(wait_status)
                    proc.returncode = code
                    break
                if time.perf_counter() - started > timeout:
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    proc.returncode = -9
                    break
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            out.seek(0)
            output = out.read().decode(errors="replace").strip()
        if usage is None:
            status = "timeout"
            echo(f"  alerts_{subscribers:<7} no end within {timeout:.0f} s; stopped")
            break
        if code != 0:
            status = f"exit {code}"
            echo(f"  alerts_{subscribers:<7} failed: {output[-500:]}")
            break
        times.append(elapsed)
        peaks.append(usage.ru_maxrss / 1024)  # kB on Linux
        echo(f"  alerts_{subscribers:<7} {elapsed:8.2f} s  {peaks[-1]:7.0f} MB  {output.splitlines()[-1]}")
    return {
        "median_s": statistics.median(times) if times else None,
        "times_s": times,
        "peak_mb": max(peaks) if peaks else None,
        "peaks_mb": peaks,
        "status": status,
        "subscriptions": made["subscriptions"],
        "output": output.splitlines()[-1] if output else "",
    }


# --- One size -----------------------------------------------------------------------------------------------


def environment(db: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chalkface.settings",
        "DATABASE_URL": f"{PG}/{db}",
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CHALKFACE_DATA_DIR": data_dir,
        "SECURE_COOKIES": "false",  # plain HTTP on loopback: no TLS terminating proxy in front
        "CHALKFACE_SSL_REDIRECT": "false",
        "CHALKFACE_HSTS_SECONDS": "0",
        # the benchmark's officer logs in with a password only: the second factor is not what is measured
        "CHALKFACE_SECOND_FACTOR": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def load(env: dict[str, str], db: str, size: int, seed: int, data_dir: str) -> dict[str, float]:
    chalkface = str(Path(sys.executable).parent / "chalkface")
    psql(f'CREATE DATABASE "{db}"')
    steps: dict[str, float] = {}
    echo(f"Loading {size:,} check-ins into {db} (22,000 workplaces x 12 months, seed {seed})...")
    steps["migrate_s"], _ = run([chalkface, "migrate", "--no-input", "-v", "0"], env, "chalkface migrate")
    steps["createcachetable_s"], _ = run([chalkface, "createcachetable"], env, "chalkface createcachetable")
    out = Path(data_dir) / "synth"
    command = [
        chalkface,
        "synth",
        "--workplaces",
        str(WORKPLACES),
        "--months",
        str(MONTHS),
        "--seed",
        str(seed),
    ]
    steps["synth_s"], _ = run([*command, "--responses", str(size), "--out", str(out)], env, "chalkface synth")
    steps["load_s"], summary = run([chalkface, "load", str(out)], env, "chalkface load")
    shutil.rmtree(out, ignore_errors=True)
    import psycopg

    with psycopg.connect(f"{PG}/{db}", autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        steps["analyze_s"] = time.perf_counter() - started
    psql(f"COMMENT ON DATABASE \"{db}\" IS '{marker(size, seed)}'")
    rows = json.loads(summary[summary.find("{") :])
    echo(
        f"  migrate {steps['migrate_s']:.1f} s, synth {steps['synth_s']:.1f} s, "
        f"load {steps['load_s']:.1f} s, vacuum analyze {steps['analyze_s']:.1f} s"
        f"; {rows.get('responses', 0):,} check-ins, {rows.get('workplaces', 0):,} workplaces, "
        f"{rows.get('incidents', 0):,} incidents"
    )
    return steps


def one_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    db = f"chalkface_bench_pages_n{size}_s{args.seed}" + ("" if args.keep else f"_{os.getpid()}")
    data_dir = tempfile.mkdtemp(prefix="chalkface-bench-pages-")
    Path(data_dir, "static").mkdir()
    env = environment(db, data_dir)
    result: dict[str, Any] = {
        "responses": size,
        "seed": args.seed,
        "database": db,
        "load_average_before": os.getloadavg()[0],
    }
    server: Server | None = None
    tasks: TaskWorker | None = None
    try:
        if args.keep and loaded(db, size, args.seed):
            chalkface = str(Path(sys.executable).parent / "chalkface")
            seconds, _ = run([chalkface, "migrate", "--no-input", "-v", "0"], env, "chalkface migrate")
            echo(
                f"Reusing {db} ({size:,} check-ins, seed {args.seed}; --keep); migrated in {seconds:.1f} s "
                "(drop the database to load again, e.g. after a change to the loader)"
            )
            result["load"] = None
            result["migrate_on_reuse_s"] = seconds
        else:
            drop_database(db)
            result["load"] = load(env, db, size, args.seed, data_dir)
        target = prepare(env)
        result["target"] = {
            k: v for k, v in target.items() if k not in ("password", "token", "alert_workplaces")
        }
        echo(
            f"Officer {target['email']}; largest tool {target['tool']} ({target['tool_n']:,} check-ins), "
            "versions "
            f"{target['before']} -> {target['after']}; slice role={target['role']} phase={target['phase']}; "
            f"workplace {target['workplace']} ({target['workplace_n']} check-ins)"
        )

        calls = [c for c in CALLS if c in args.calls]
        pages = [c for c in calls if not c.startswith("alerts_")]
        measured: dict[str, dict[str, Any]] = {}
        if pages:
            tasks = TaskWorker(env, Path(data_dir) / "worker.log")
            server = Server(env, args.gunicorn_timeout, Path(data_dir) / "gunicorn.log", db)
            echo(f"gunicorn: {' '.join(server.command[1:])}")
            echo(
                f"  (docs/deploying.md: gunicorn chalkface.wsgi --workers 3 --bind 127.0.0.1:8000; "
                f"here with --timeout {args.gunicorn_timeout} so slow pages are measured, not killed, and an "
                f"import-warming hook); client timeout {args.timeout:.0f} s per request"
            )
            session = login(server, target)
            warm(server, session, target)
            for call in pages:
                prepare(env, forget=True)
                measured[call] = time_page(server, session, target, call, args.repeat, args.timeout)
            server.stop()
            server = None
            result["task_worker_peak_mb"] = tasks.peak_mb()
            tasks.stop()
            tasks = None
            echo(f"task worker peak memory: {result['task_worker_peak_mb'] or float('nan'):.0f} MB")
        for call in calls:
            if call.startswith("alerts_"):
                measured[call] = time_alerts(
                    env, int(call.split("_")[1]), args.alerts_repeat, args.alerts_timeout
                )

        echo("Floor: Parquet extract by PostgreSQL COPY, figures in DuckDB")
        extract_dir = Path(data_dir) / "extract"
        result["extract"] = pages_floor.write_extract(f"{PG}/{db}", target["tables"], extract_dir)
        x = result["extract"]
        echo(
            f"  extract: {x['rows']:,} check-ins, COPY {x['copy_s']:.2f} s ({x['csv_mb']:.0f} MB CSV), "
            f"Parquet {x['parquet_s']:.2f} s ({x['parquet_mb']:.1f} MB), total {x['total_s']:.2f} s"
        )
        # the floor is cheap: always the median of at least 3, whatever --repeat says for the pages
        floor_repeat = max(args.repeat, 3)
        floor = pages_floor.run_floor(extract_dir, target, floor_repeat, calls, args.floor_threads, echo=echo)
        for call in calls:
            row = measured[call]
            row["floor_s"] = floor.get(call, {}).get("median_s")
            row["ratio"] = (
                row["median_s"] / row["floor_s"] if row["median_s"] is not None and row["floor_s"] else None
            )
            row["goals"] = goals(row)
        if "alerts_1" in measured and "alerts_100" in measured:
            one, hundred = measured["alerts_1"]["median_s"], measured["alerts_100"]["median_s"]
            result["alerts_100_over_1"] = hundred / one if one and hundred else None
        result["calls"] = measured
        print_table(result, args)
        return result
    finally:
        if server is not None:
            server.stop()
        if tasks is not None:
            tasks.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        if not args.keep:
            with suppress(Exception):
                drop_database(db)
        else:
            echo(f'(kept database {db} for later runs with --keep; drop it with: DROP DATABASE "{db}")')


def goals(row: dict[str, Any]) -> dict[str, bool]:
    ok = row["status"] == "ok" and row["median_s"] is not None
    return {
        "under_1s": ok and row["median_s"] < GOAL_SECONDS,
        "within_4x": ok and row["ratio"] is not None and row["ratio"] <= GOAL_RATIO,
        "under_600mb": ok and row["peak_mb"] is not None and row["peak_mb"] < GOAL_MB,
    }


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def ratio_text(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.1f}x" if ratio < 100 else f"{ratio:,.0f}x"


def print_table(result: dict[str, Any], args: argparse.Namespace) -> None:
    echo()
    echo(
        f"{result['responses']:,} check-ins (seed {result['seed']}), median of {args.repeat} "
        f"(floor: {max(args.repeat, 3)}, alerts: {args.alerts_repeat}); "
        f"load average before this size {result['load_average_before']:.1f}"
    )
    head = (
        f"{'call':<25} {'median s':>9} {'peak MB':>8} {'floor s':>8} {'ratio':>8}  "
        "goals (<1 s, <=4x, <600 MB)"
    )
    echo(head)
    echo("-" * len(head))
    for call, row in result["calls"].items():
        marks = " ".join("yes" if met else "NO " for met in row["goals"].values())
        note = "" if row["status"] == "ok" else f"  [{row['status']}]"
        limit = args.alerts_timeout if call.startswith("alerts_") else args.timeout
        if row["median_s"] is not None:
            median = f"{row['median_s']:.2f}"
        else:
            median = f">{limit:.0f}" if row["status"] == "timeout" else "-"
        echo(
            f"{LABELS[call]:<25} {median:>9} {_num(row['peak_mb'], '8.0f'):>8} "
            f"{_num(row['floor_s'], '8.3f'):>8} "
            f"{ratio_text(row['ratio']):>8}  {marks}{note}"
        )
    computed = {c: r["worker_ready_s"] for c, r in result["calls"].items() if r.get("worker_ready_s")}
    if computed:
        listed = ", ".join(f"{LABELS[c]} {t:.1f} s" for c, t in computed.items())
        echo(f"computed by the task worker first (the page answered at once that they were coming): {listed}")
    first = {c: r["first_view_s"] for c, r in result["calls"].items() if r.get("first_view_s")}
    if first:
        listed = ", ".join(f"{LABELS[c]} {t:.2f} s" for c, t in first.items())
        echo(f"first views, which compute in the request what is not kept yet (not in the medians): {listed}")
    if result.get("task_worker_peak_mb"):
        echo(f"task worker peak memory: {result['task_worker_peak_mb']:.0f} MB")
    if result.get("alerts_100_over_1") is not None:
        echo(f"alerts: 100 subscribers take {result['alerts_100_over_1']:.1f}x as long as 1 (goal: about 1x)")
    x = result["extract"]
    echo(f"floor extract: COPY + Parquet {x['total_s']:.2f} s, {x['parquet_mb']:.1f} MB")
    if result.get("load"):
        load_s = result["load"]
        echo(
            f"loading: synth {load_s['synth_s']:.1f} s + load {load_s['load_s']:.1f} s "
            f"(+ migrate {load_s['migrate_s']:.1f} s, vacuum analyze {load_s['analyze_s']:.1f} s)"
        )


def print_growth(results: list[dict[str, Any]]) -> None:
    """How each call's time grows with the number of check-ins (1.0 per doubling would be linear)."""
    if len(results) < 2:
        return
    sizes = [r["responses"] for r in results]
    echo()
    echo(
        "Growth: median seconds at each size; floor at the largest; growth = log(time ratio) / log(size "
        "ratio), smallest to largest (1 = linear, 0 = flat)"
    )
    echo(f"{'call':<25} " + " ".join(f"{s:>10,}" for s in sizes) + f" {'floor s':>10}  {'growth':>7}")
    for call in results[0]["calls"]:
        times = [r["calls"].get(call, {}).get("median_s") for r in results]
        floors = [r["calls"].get(call, {}).get("floor_s") for r in results]
        cells = " ".join(_num(t, "10.2f") if t is not None else f"{'-':>10}" for t in times)
        growth = "-"
        if times[0] and times[-1]:
            growth = f"{math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0]):.2f}"
        echo(f"{LABELS[call]:<25} {cells} {_num(floors[-1], '10.3f')}  {growth:>7}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--responses", type=int, default=DEFAULT_RESPONSES, help="check-ins (default 1,003,200)"
    )
    parser.add_argument(
        "--sizes", help="several sizes, e.g. 100000,300000,1000000: one table each, then growth"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=3, help="times each page is fetched (median; default 3)"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request (default 120)")
    parser.add_argument("--gunicorn-timeout", type=int, default=300, help="gunicorn --timeout (default 300)")
    parser.add_argument("--alerts-timeout", type=float, default=600.0, help="seconds per alerts run (600)")
    parser.add_argument("--alerts-repeat", type=int, default=1, help="runs of chalkface alerts (default 1)")
    parser.add_argument(
        "--calls", default=",".join(CALLS), help=f"which calls (default all: {','.join(CALLS)})"
    )
    parser.add_argument("--floor-threads", type=int, default=1, help="DuckDB threads for the floor (1)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the loaded database (reused by size and seed)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--subscribers", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--forget", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare_main(args.subscribers), default=str))
        return 0
    if args.forget:
        print(json.dumps(forget_main()))
        return 0
    args.calls = [c.strip() for c in args.calls.split(",") if c.strip()]
    unknown = set(args.calls) - set(CALLS)
    if unknown:
        parser.error(f"unknown calls: {', '.join(sorted(unknown))}; known: {', '.join(CALLS)}")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")] if args.sizes else [args.responses]
    pg_check()
    for module in ("duckdb", "requests"):
        try:
            __import__(module)
        except ImportError:
            raise SystemExit(f"{module} is not installed: run `bash scripts/setup.sh` (dev extra)") from None
    load = os.getloadavg()[0]
    if load > 0.5:
        echo(f"Note: the machine is busy before we start (load average {load:.1f}); figures will be slower.")
    echo(f"{os.cpu_count()} CPUs; PostgreSQL at {PG}")
    results = []
    for size in sizes:
        results.append(one_size(size, args))
        if args.json:
            args.json.write_text(json.dumps({"sizes": results}, indent=2, default=str) + "\n")
    print_growth(results)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    echo(f"\n(child processes used {children.ru_utime + children.ru_stime:.0f} CPU s in all)")
    every = [g for r in results for row in r["calls"].values() for g in row["goals"].values()]
    return 0 if every and all(every) else 1


if __name__ == "__main__":
    raise SystemExit(main())
