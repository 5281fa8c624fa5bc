"""Reloading reference data: enqueued on commit by an action, run with a progress record."""

import pytest
from django.core.exceptions import PermissionDenied

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core.actions import start_reference_reload
from serumpun.core.models import AuditEvent, Port, ReferenceDataset, TaskProgress
from serumpun.core.progress import start_progress
from serumpun.core.tasks import reload_reference_data

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.mark.django_db
def test_task_reloads_and_ends_succeeded_at_100_percent():
    ports_before = Port.objects.count()
    progress = start_progress(kind="test", label="Reload")
    result = reload_reference_data.enqueue(
        progress_id=str(progress.pk), datasets=["ports", "occupations"], force=True
    )
    assert result.status == "SUCCESSFUL"
    written = result.return_value
    assert written is not None
    assert written["ports"] == ports_before > 0
    assert set(written) == {"ports", "occupations"}
    progress.refresh_from_db()
    assert progress.status == TaskProgress.Status.SUCCEEDED
    assert (progress.done, progress.total, progress.percent) == (2, 2, 100)
    assert Port.objects.count() == ports_before
    assert ReferenceDataset.objects.filter(name="ports").exists()


@pytest.mark.django_db
def test_unchanged_datasets_are_skipped_without_force():
    progress = start_progress(kind="test", label="Reload")
    result = reload_reference_data.enqueue(
        progress_id=str(progress.pk), datasets=["ports"]
    )
    assert result.return_value == {"ports": 0}


@pytest.mark.django_db
def test_unknown_dataset_fails_with_a_message():
    progress = start_progress(kind="test", label="Reload")
    result = reload_reference_data.enqueue(
        progress_id=str(progress.pk), datasets=["ports", "planets"]
    )
    assert result.status == "FAILED"
    progress.refresh_from_db()
    assert progress.status == TaskProgress.Status.FAILED
    assert "planets" in progress.message


@pytest.mark.django_db
def test_task_crash_marks_progress_failed(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("serumpun.core.reference.load_dataset", explode)
    progress = start_progress(kind="test", label="Reload")
    result = reload_reference_data.enqueue(
        progress_id=str(progress.pk), datasets=["ports"]
    )
    assert result.status == "FAILED"
    progress.refresh_from_db()
    assert progress.status == TaskProgress.Status.FAILED
    assert "RuntimeError" in progress.message
    assert "disk full" not in progress.message


@pytest.mark.django_db
def test_action_enqueues_once_on_commit_and_audits(django_capture_on_commit_callbacks):
    admin = make_user(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        progress = start_reference_reload(by=admin, datasets=["ports"], force=True)
    assert len(callbacks) == 1
    progress.refresh_from_db()
    assert progress.status == TaskProgress.Status.PENDING  # nothing ran before commit
    assert progress.organisation == admin.organisation
    callbacks[0]()
    progress.refresh_from_db()
    assert progress.status == TaskProgress.Status.SUCCEEDED
    event = AuditEvent.objects.get(action="reference.reload")
    assert (event.actor, event.object_id, event.fields) == (
        admin,
        str(progress.pk),
        ["ports"],
    )


@pytest.mark.django_db
def test_only_a_platform_admin_may_reload_reference_data():
    officer = make_user(Role.OFFICER)
    with pytest.raises(PermissionDenied):
        start_reference_reload(by=officer)
    assert not TaskProgress.objects.exists()
    assert not AuditEvent.objects.filter(action="reference.reload").exists()
