"""Rate-limit counters: exact under load, fixed windows that idle time does not reset, nothing finer
than the window kept, nothing kept past the window."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from chalkface.limits import actions, counters
from chalkface.limits.models import RateCounter
from chalkface.limits.windows import bucket_key, window_of

T0 = dt.datetime(2026, 3, 4, 10, 17, 23, 456789, tzinfo=dt.UTC)
HOUR = 3600


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_it_refuses_past_the_limit_within_one_window() -> None:
    allowed = [actions.hit("b", 3, HOUR, now=at(i)).allowed for i in range(5)]
    assert allowed == [True, True, True, False, False]


@pytest.mark.django_db
def test_idle_time_does_not_reset_a_window() -> None:
    # Three events at 10:17, then 40 minutes of quiet (the old cache forgot a counter after 300 s idle).
    for i in range(3):
        actions.hit("link", 3, HOUR, now=at(i / 60))
    assert actions.hit("link", 3, HOUR, now=at(40)).allowed is False
    assert counters.over("link", 3, HOUR, now=at(42)) is not None
    # The next hour is a new window, whatever happened in the last.
    assert actions.hit("link", 3, HOUR, now=at(43)).allowed is True  # 11:00:23


@pytest.mark.django_db
def test_windows_are_fixed_on_the_clock() -> None:
    window = window_of(HOUR, T0)
    assert (window.start, window.end) == (
        dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 4, 11, tzinfo=dt.UTC),
    )
    quarter = window_of(15 * 60, T0)
    assert (quarter.start.minute, quarter.end.minute) == (15, 30)
    assert window.minutes_left(T0) == 43  # 42 min 36.5 s, rounded up to whole minutes
    assert window.seconds_left(T0) == 43 * 60


@pytest.mark.django_db
def test_no_stored_row_tells_a_time_finer_than_its_window() -> None:
    for i in range(7):
        actions.hit("voice:link:1", 100, HOUR, now=at(i * 3.3))
        actions.hit("voice:codes:x", 100, HOUR, now=at(i * 1.7))
    rows = list(RateCounter.objects.values())
    assert len(rows) == 2
    for row in rows:
        assert set(row) == {"key", "window_start", "window_end", "count"}
        for moment in (row["window_start"], row["window_end"]):
            assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)
        assert row["count"] == 7  # one count for the hour: no minute-by-minute trace
    # The buckets are stored only as keyed hashes: the link and campaign cannot be read off a row.
    assert {row["key"] for row in rows} == {
        bucket_key("voice:link:1", HOUR),
        bucket_key("voice:codes:x", HOUR),
    }
    assert not any("link" in row["key"] or "codes" in row["key"] for row in rows)


class OldCacheCounter:
    """Control: the limiter this replaced (Django's database cache, add then incr), kept to show that the
    attacks on it were real."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from django.core.cache.backends.db import DatabaseCache
        from django.core.management import call_command

        call_command("createcachetable", "limits_control_cache", verbosity=0)
        self.cache = DatabaseCache("limits_control_cache", {})
        self.monkeypatch = monkeypatch

    def at(self, moment: dt.datetime) -> None:
        self.monkeypatch.setattr("time.time", lambda: moment.timestamp())
        self.monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: moment)

    def hit(self, bucket: str, limit: int, window_seconds: int) -> bool:
        import time

        key = f"chalkface:voice:rate:{bucket}:{int(time.time() // window_seconds)}"
        self.cache.add(key, 0, timeout=window_seconds + 5)
        try:
            count = self.cache.incr(key)
        except ValueError:
            self.cache.set(key, 1, timeout=window_seconds + 5)
            count = 1
        return count <= limit

    def expiries(self) -> list[dt.datetime]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT expires FROM limits_control_cache")
            return [
                value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
                for (value,) in cursor.fetchall()
            ]


@pytest.mark.django_db
def test_control_the_old_cache_counter_forgot_a_window_after_300_seconds_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = OldCacheCounter(monkeypatch)
    old.at(at(0))
    assert [old.hit("link:1", 2, HOUR) for _ in range(3)] == [True, True, False]
    old.at(at(6))  # six quiet minutes, same hour (each incr set the expiry to 300 s after it)
    assert old.hit("link:1", 2, HOUR) is True  # the limit slid away


@pytest.mark.django_db
def test_control_the_old_cache_counter_kept_the_second_of_the_latest_submission(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = OldCacheCounter(monkeypatch)
    old.at(at(0))
    old.hit("link:1", 100, HOUR)
    old.at(at(2.5))  # the latest submission, at 10:19:53
    old.hit("link:1", 100, HOUR)
    (expires,) = old.expiries()
    latest = expires.replace(tzinfo=dt.UTC) - dt.timedelta(seconds=300)
    assert latest == at(2.5).replace(microsecond=0)  # 10:19:53, to the second


@pytest.mark.django_db
def test_it_forgets_windows_once_they_end() -> None:
    actions.hit("a", 5, HOUR, now=at(0))
    actions.hit("b", 5, 15 * 60, now=at(0))
    assert actions.forget_ended(now=at(1)) == 0
    assert actions.sweep(now=at(13))["rate_windows_forgotten"] == 1  # 10:30: the quarter hour is over
    assert actions.sweep(now=at(43))["rate_windows_forgotten"] == 1  # 11:00: the hour is over
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_the_first_event_of_a_window_forgets_ended_windows_without_the_worker() -> None:
    actions.hit("a", 5, HOUR, now=at(0))
    actions.hit("a", 5, HOUR, now=at(60))
    assert RateCounter.objects.count() == 1


@pytest.mark.django_db
def test_release_takes_back_one_event_and_never_goes_below_zero() -> None:
    first = actions.hit("a", 5, HOUR, now=at(0))
    actions.hit("a", 5, HOUR, now=at(1))
    actions.release(first)
    assert counters.count("a", HOUR, now=at(2))[0] == 1
    actions.release(first)
    actions.release(first)
    assert counters.count("a", HOUR, now=at(2))[0] == 0


def _in_threads(n: int, work: object) -> None:
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            work()  # type: ignore[operator]
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep what the data migrations loaded
def test_parallel_increments_are_all_counted_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite runs one writer at a time)")
    threads, each = 16, 25
    results: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(each):
            counted = actions.hit("load", 10**6, HOUR).count
            with lock:
                results.append(counted)

    _in_threads(threads, work)
    assert counters.count("load", HOUR)[0] == threads * each
    # Every event got its own count: no two requests saw the same number.
    assert sorted(results) == list(range(1, threads * each + 1))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep what the data migrations loaded
def test_parallel_requests_cannot_pass_the_limit_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL")
    allowed: list[bool] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(10):
            ok = actions.hit("guess", 50, HOUR).allowed
            with lock:
                allowed.append(ok)

    _in_threads(12, work)
    assert allowed.count(True) == 50
