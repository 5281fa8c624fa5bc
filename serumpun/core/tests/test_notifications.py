"""In-app notifications and their e-mail copy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.tests.factories import make_user
from serumpun.accounts.tests.helpers import sign_in
from serumpun.core.models import Notification
from serumpun.core.notifications import Message, mark_read, notify, notify_each

pytestmark = pytest.mark.django_db


def test_notify_creates_one_row_per_active_recipient_and_mails_after_commit(
    django_capture_on_commit_callbacks,
):
    alice = make_user("msme_owner")
    bob = make_user("msme_owner")
    gone = make_user("msme_owner")
    gone.is_active = False
    gone.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify([alice, bob, gone, alice], subject="Profile verified", url="/x/")
    assert sorted(r.recipient_id for r in rows) == sorted([alice.pk, bob.pk])
    assert {m.to[0] for m in mail.outbox} == {alice.email, bob.email}


def test_notify_each_writes_every_message_in_one_insert(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    people = [make_user("msme_owner") for _ in range(3)]
    messages = [
        Message([person], f"Lead {i} is idle", body="Keripik pisang", url=f"/lead/{i}/")
        for i, person in enumerate(people)
    ]
    messages.append(Message([], "Nobody to tell"))
    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_num_queries(1),
    ):
        rows = notify_each(messages)
    assert [(r.recipient_id, r.subject, r.url) for r in rows] == [
        (person.pk, f"Lead {i} is idle", f"/lead/{i}/")
        for i, person in enumerate(people)
    ]
    assert [(m.to[0], m.body) for m in mail.outbox] == [
        (person.email, f"Keripik pisang\n\n/lead/{i}/")
        for i, person in enumerate(people)
    ]


def test_each_recipient_reads_it_in_their_language():
    malay = make_user("buyer")
    malay.preferred_language = "ms"
    malay.save()
    english = make_user("buyer")
    english.preferred_language = "en"
    english.save()
    notify([malay, english], subject=_("Home"), email=False)
    subjects = dict(Notification.objects.values_list("recipient_id", "subject"))
    assert subjects[english.pk] == "Home"
    assert subjects[malay.pk] != "Home"


def test_people_see_only_their_own_and_can_mark_them_read(client):
    alice = make_user("msme_owner")
    bob = make_user("msme_owner")
    notify([alice], subject="For Alice", email=False)
    notify([bob], subject="For Bob", email=False)
    sign_in(client, alice)
    page = client.get(reverse("core:notifications"))
    assert b"For Alice" in page.content
    assert b"For Bob" not in page.content
    client.post(reverse("core:notifications_read"))
    assert not Notification.objects.for_user(alice).unread().exists()
    assert Notification.objects.for_user(bob).unread().count() == 1


def test_mark_read_touches_only_the_given_ids():
    alice = make_user("msme_owner")
    first, second = notify([alice], subject="1", email=False) + notify(
        [alice], subject="2", email=False
    )
    assert mark_read(user=alice, notification_ids=[first.pk]) == 1
    assert list(Notification.objects.unread().values_list("pk", flat=True)) == [
        second.pk
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 302
