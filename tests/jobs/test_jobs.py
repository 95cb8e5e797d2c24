"""Background jobs: queued on the database backend, run by the worker, followed by their owner only."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from chalkface.jobs import actions
from chalkface.jobs.models import Job, JobStatus
from tests.base import BaseTestCase
from tests.jobs.helpers import run_worker


@task()
def count_to(job_id: str, n: int) -> None:
    def work(job: Job) -> tuple[str, str]:
        for i in range(1, n + 1):
            actions.set_progress(job_id, i, n)
        return f"Counted to {n}.", reverse("home")

    actions.run(job_id, work)


@task()
def break_down(job_id: str) -> None:
    def work(job: Job) -> tuple[str, str]:
        raise RuntimeError("the disk is full")

    actions.run(job_id, work)


@task()
def refuse(job_id: str) -> None:
    def work(job: Job) -> tuple[str, str]:
        raise actions.JobFailed("2 problems", ["row 2: bad", "row 3: worse"])

    actions.run(job_id, work)


@task()
def outlive_the_sweep(job_id: str) -> None:
    """Work that was still going when the sweep gave up on it (as if it ran past the time limit)."""

    def work(job: Job) -> tuple[str, str]:
        actions.fail_stalled(now=timezone.now() + timedelta(days=1))
        return "Counted to 1.", reverse("home")

    actions.run(job_id, work)


class JobTests(BaseTestCase):
    def test_it_runs_a_queued_job_on_the_worker_and_shows_it_done(self) -> None:
        job = actions.start_job(self.olivia, "test.count", "Counting", count_to, 5)
        self.assertEqual(job.status, JobStatus.QUEUED)
        self.login(self.olivia)
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, 'id="check-again"')  # without JavaScript, a link asks for the news
        self.assertContains(page, 'hx-trigger="every 1s"')  # with JavaScript, HTMX polls the progress
        run_worker()
        job.refresh_from_db()
        self.assertEqual((job.status, job.done, job.total), (JobStatus.DONE, 5, 5))
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "Counted to 5.")
        self.assertContains(page, '<progress id="job-bar" max="5" value="5">')
        self.assertNotContains(page, 'id="check-again"')
        self.assertNotContains(page, "hx-trigger")

    def test_it_answers_htmx_with_just_the_progress(self) -> None:
        job = actions.start_job(self.olivia, "test.count", "Counting", count_to, 3)
        self.login(self.olivia)
        fragment = self.client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
        self.assertContains(fragment, 'id="job-progress"')
        self.assertNotContains(fragment, "<html")

    def test_it_shows_why_a_job_failed(self) -> None:
        crashed = actions.start_job(self.olivia, "test.break", "Breaking", break_down)
        refused = actions.start_job(self.olivia, "test.refuse", "Refusing", refuse)
        run_worker()
        crashed.refresh_from_db()
        refused.refresh_from_db()
        self.assertEqual((crashed.status, refused.status), (JobStatus.FAILED, JobStatus.FAILED))
        self.login(self.olivia)
        self.assertContains(self.client.get(crashed.get_absolute_url()), "RuntimeError: the disk is full")
        page = self.client.get(refused.get_absolute_url())
        self.assertContains(page, "row 2: bad")
        self.assertContains(page, "row 3: worse")

    def test_only_its_owner_can_see_a_job(self) -> None:
        job = actions.start_job(self.olivia, "test.count", "Counting", count_to, 1)
        self.login(self.emma)
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 403)
        self.client.logout()
        response = self.client.get(job.get_absolute_url())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])

    def test_starting_a_job_is_audited(self) -> None:
        from chalkface.accounts.models import AuditEvent

        actions.start_job(self.olivia, "test.count", "Counting", count_to, 1)
        self.assertTrue(AuditEvent.objects.filter(action="job.started").exists())


class StalledJobTests(BaseTestCase):
    """Jobs always end: one whose worker died, or that ran past its time limit, is failed by the sweep."""

    def running(self, seconds_ago: int) -> Job:
        job = actions.start_job(self.olivia, "test.count", "Counting", count_to, 1)
        started = timezone.now() - timedelta(seconds=seconds_ago)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=started)
        return job

    @override_settings(JOB_TIMEOUT_SECONDS=900)
    def test_the_sweep_fails_a_job_left_running_past_the_limit_with_the_reason(self) -> None:
        stalled = self.running(901)
        _sweep_jobs()
        stalled.refresh_from_db()
        self.assertEqual(stalled.status, JobStatus.FAILED)
        self.assertEqual(stalled.message, actions.STOPPED)
        self.assertIsNotNone(stalled.finished_at)
        self.login(self.olivia)
        page = self.client.get(stalled.get_absolute_url())
        self.assertContains(page, "The worker stopped before this job finished; nothing from it was saved.")
        self.assertNotContains(page, 'hx-trigger="every 1s"')  # the page stops polling: the job ended

    @override_settings(JOB_TIMEOUT_SECONDS=900)
    def test_the_sweep_leaves_a_fresh_running_job_and_finished_jobs_alone(self) -> None:
        fresh = self.running(60)
        finished = self.running(5000)
        Job.objects.filter(pk=finished.pk).update(status=JobStatus.DONE, message="Counted to 1.")
        self.assertEqual(actions.fail_stalled(), 0)
        fresh.refresh_from_db()
        finished.refresh_from_db()
        self.assertEqual((fresh.status, finished.status), (JobStatus.RUNNING, JobStatus.DONE))
        self.assertEqual(finished.message, "Counted to 1.")

    def test_it_refuses_to_mark_done_a_job_the_sweep_already_failed(self) -> None:
        job = actions.start_job(self.olivia, "test.outlive", "Outliving", outlive_the_sweep)
        run_worker()
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertEqual((job.message, job.error, job.result_url), (actions.STOPPED, actions.STOPPED, ""))

    def test_it_keeps_the_first_ending_of_a_job(self) -> None:
        job = self.running(60)
        actions.fail_stalled(now=timezone.now() + timedelta(days=1))
        self.assertFalse(actions.finish(str(job.pk), JobStatus.FAILED, "Something went wrong.", "later"))
        job.refresh_from_db()
        self.assertEqual((job.status, job.error), (JobStatus.FAILED, actions.STOPPED))

    def test_the_reason_has_a_welsh_translation(self) -> None:
        from django.utils import translation

        with translation.override("cy"):
            self.assertIn("ni chadwyd dim", translation.gettext(actions.STOPPED))


def _sweep_jobs() -> None:
    """The worker's own sweep (everything it does each minute), as ``chalkface worker`` runs it."""
    from unittest import mock

    from chalkface.cli.worker import _sweep

    with mock.patch("django.db.connection.close"):  # the test's transaction must stay open
        _sweep()
