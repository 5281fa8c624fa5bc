"""The audit log: append-only rows of field names, the request id, a read-only admin."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import path, reverse

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core import audit
from serumpun.core.models import AuditEvent


def touch_view(request):
    """A test-only view that changes something and audits it."""
    audit.record(
        actor=request.user,
        action="test.touch",
        obj=request.user,
        fields=["phone", "full_name"],
    )
    return HttpResponse("ok")


urlpatterns = [path("touch/", touch_view)]


@pytest.mark.django_db
def test_record_stores_field_names_but_no_values():
    user = make_user(Role.MSME_OWNER, phone="+6281234567890")
    event = audit.record(
        actor=user,
        action="profile.update",
        obj=user,
        fields=["phone", "phone", "email"],
    )
    event.refresh_from_db()
    assert event.fields == ["email", "phone"]
    assert (event.actor, event.actor_role, event.organisation) == (
        user,
        Role.MSME_OWNER,
        user.organisation,
    )
    assert (event.object_type, event.object_id) == ("accounts.user", str(user.pk))
    stored = " ".join(
        str(v) for v in AuditEvent.objects.filter(pk=event.pk).values().get().values()
    )
    assert "+6281234567890" not in stored
    assert user.email not in stored


@pytest.mark.django_db
def test_personal_data_read_is_its_own_kind():
    officer = make_user(Role.OFFICER)
    event = audit.record_read(
        actor=officer, obj=officer, fields=["nik"], purpose="verify identity"
    )
    assert event.kind == AuditEvent.Kind.PERSONAL_DATA_READ
    assert event.purpose == "verify identity"


@pytest.mark.django_db
def test_audit_rows_cannot_be_updated_or_deleted():
    event = audit.record(actor=None, action="system.start")
    event.action = "something.else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "system.start"


@pytest.mark.django_db
def test_outside_a_request_the_request_id_is_a_dash():
    assert audit.record(actor=None, action="system.start").request_id == "-"


@pytest.mark.django_db
@pytest.mark.urls("serumpun.core.tests.test_audit")
def test_request_id_of_the_current_request_is_recorded(client):
    client.force_login(make_user(Role.OFFICER))
    response = client.get("/touch/", headers={"X-Request-ID": "req-4f2a9c1e-77"})
    assert response["X-Request-ID"] == "req-4f2a9c1e-77"
    assert AuditEvent.objects.get(action="test.touch").request_id == "req-4f2a9c1e-77"


@pytest.mark.django_db
@pytest.mark.urls("serumpun.core.tests.test_audit")
def test_a_malformed_request_id_is_replaced(client):
    client.force_login(make_user(Role.OFFICER))
    response = client.get("/touch/", headers={"X-Request-ID": "<script>"})
    recorded = AuditEvent.objects.get(action="test.touch").request_id
    assert recorded == response["X-Request-ID"]
    assert recorded != "<script>"
    assert len(recorded) == 36


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_admin_lists_and_filters_audit_events(superuser_client):
    event = audit.record(actor=None, action="msme.verify", fields=["verification"])
    url = reverse("admin:core_auditevent_changelist")
    assert superuser_client.get(url).status_code == 200
    found = superuser_client.get(url, {"q": event.request_id, "kind": "change"})
    assert found.status_code == 200
    assert "msme.verify" in found.content.decode()


@pytest.mark.django_db
def test_admin_audit_log_is_read_only(superuser_client):
    event = audit.record(actor=None, action="msme.verify")
    add = superuser_client.get(reverse("admin:core_auditevent_add"))
    delete = superuser_client.post(
        reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    change = superuser_client.post(
        reverse("admin:core_auditevent_change", args=[event.pk]), {"action": "x"}
    )
    assert add.status_code == 403
    assert delete.status_code == 403
    assert change.status_code == 403
    view = superuser_client.get(
        reverse("admin:core_auditevent_change", args=[event.pk])
    )
    assert view.status_code == 200
    assert 'name="action"' not in view.content.decode()  # shown, not editable
    assert AuditEvent.objects.get(pk=event.pk).action == "msme.verify"


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_audit_row():
    event = audit.record(actor=None, action="test.db_guard")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.db_guard"


@pytest.mark.django_db
def test_postgresql_refuses_to_delete_an_audit_row():
    if connection.vendor != "postgresql":
        pytest.skip("deletes are refused by the database on PostgreSQL only")
    event = audit.record(actor=None, action="test.db_guard")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
