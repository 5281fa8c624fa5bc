"""Progress records: throttled writes, and the page / htmx partial that shows them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.models import TaskProgress
from serumpun.core.progress import (
    JobFailedError,
    ProgressTracker,
    fail_progress,
    finish_progress,
    start_progress,
    tracking,
)


@pytest.fixture
def officer():
    return make_user(Role.OFFICER)


@pytest.mark.django_db
def test_start_progress_belongs_to_the_users_organisation(officer):
    progress = start_progress(kind="test", label="Import", user=officer, total=5)
    assert progress.status == TaskProgress.Status.PENDING
    assert progress.organisation == officer.organisation
    assert progress.started_by == officer


@pytest.mark.django_db
def test_tracker_writes_at_most_every_n_items():
    progress = start_progress(kind="test", label="Import", total=1000)
    tracker = ProgressTracker(
        progress.pk, total=1000, every_items=100, every_seconds=3600
    )
    with CaptureQueriesContext(connection) as queries:
        for _ in range(1000):
            tracker.advance()
    assert tracker.writes == 10
    assert len(queries) == 10
    progress.refresh_from_db()
    assert progress.done == 1000


@pytest.mark.django_db
def test_tracker_writes_when_the_interval_has_passed(monkeypatch):
    progress = start_progress(kind="test", label="Import", total=10)
    clock = iter([0.0, 0.5, 2.0])
    monkeypatch.setattr("serumpun.core.progress.time.monotonic", lambda: next(clock))
    tracker = ProgressTracker(progress.pk, total=10, every_items=1000, every_seconds=1)
    tracker.advance()  # 0.5 s after start: no write
    assert tracker.writes == 0
    tracker.advance()  # 2 s: write
    assert tracker.writes == 1
    progress.refresh_from_db()
    assert progress.done == 2


@pytest.mark.django_db
def test_finish_sets_done_to_total_and_fail_keeps_a_message():
    ok = start_progress(kind="test", label="A", total=7)
    finish_progress(ok.pk)
    ok.refresh_from_db()
    assert (ok.status, ok.done, ok.percent) == ("succeeded", 7, 100)
    bad = start_progress(kind="test", label="B", total=7)
    fail_progress(bad.pk, message="File has no header row.")
    bad.refresh_from_db()
    assert (bad.status, bad.message) == ("failed", "File has no header row.")


@pytest.mark.django_db
def test_tracking_marks_failure_and_reraises():
    progress = start_progress(kind="test", label="A", total=3)
    with pytest.raises(JobFailedError), tracking(progress.pk, total=3):
        raise JobFailedError("Column 'nib' is missing.")
    progress.refresh_from_db()
    assert progress.status == "failed"
    assert progress.message == "Column 'nib' is missing."


@pytest.mark.django_db
def test_unexpected_error_message_does_not_leak_exception_text():
    progress = start_progress(kind="test", label="A", total=3)
    with pytest.raises(ValueError, match="3171"), tracking(progress.pk):
        raise ValueError("duplicate key nik=3171234567890123")
    progress.refresh_from_db()
    assert progress.status == "failed"
    assert "ValueError" in progress.message
    assert "3171" not in progress.message


@pytest.mark.django_db
def test_page_shows_a_progress_bar_with_percentage(client, officer):
    progress = start_progress(kind="test", label="Import NIB", user=officer, total=4)
    TaskProgress.objects.filter(pk=progress.pk).update(done=1, status="running")
    client.force_login(officer)
    response = client.get(reverse("core:task_progress", args=[progress.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Import NIB</h1>" in html
    assert '<progress class="progress" max="100" value="25"' in html
    assert "25%" in html
    assert 'hx-trigger="every 1s"' in html


@pytest.mark.django_db
def test_htmx_poll_gets_only_the_partial(client, officer):
    progress = start_progress(kind="test", label="Import NIB", user=officer, total=4)
    client.force_login(officer)
    response = client.get(
        reverse("core:task_progress", args=[progress.pk]),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" not in html
    assert html.lstrip().startswith("<section")
    assert f'hx-get="{reverse("core:task_progress", args=[progress.pk])}"' in html
    assert 'hx-swap="outerHTML"' in html


@pytest.mark.django_db
def test_finished_job_stops_polling(client, officer):
    progress = start_progress(kind="test", label="Import NIB", user=officer, total=4)
    finish_progress(progress.pk)
    client.force_login(officer)
    response = client.get(
        reverse("core:task_progress", args=[progress.pk]),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert 'value="100"' in html


@pytest.mark.django_db
def test_unknown_progress_id_is_404(client, officer):
    client.force_login(officer)
    response = client.get("/tasks/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
