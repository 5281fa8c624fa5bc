"""Notifications: one call puts a message in each recipient's in-app list and e-mails it.

Apps call `notify()` from their actions (inside the action's transaction), or
`notify_each()` with many messages at once (daily jobs: one INSERT for all). Subject and body
may be lazy translations: each recipient gets them in their preferred language. E-mail goes
out after the transaction commits, so a rolled-back action sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation

from serumpun.core.models import Notification


def _in_language(text: Any, language: str) -> str:
    with translation.override(language):
        return str(text)


@dataclass(frozen=True)
class Message:
    """One notification to send: who gets it and what it says (see `notify`)."""

    recipients: Iterable[Any]
    subject: Any
    body: Any = ""
    url: str = ""
    kind: str = ""


def notify(
    recipients: Iterable[Any],
    *,
    subject: Any,
    body: Any = "",
    url: str = "",
    kind: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell each active recipient `subject` (and `body`), in-app and by e-mail."""
    return notify_each(
        [Message(recipients, subject, body=body, url=url, kind=kind)], email=email
    )


def notify_each(
    messages: Iterable[Message], *, email: bool = True
) -> list[Notification]:
    """Several `notify` calls in one: one INSERT, one batch of e-mails after commit.

    For daily jobs that tell each party of each record something of its own: the number of
    queries stays the same however many records are due.
    """
    rows: list[Notification] = []
    for message in messages:
        people = {
            u.pk: u for u in message.recipients if u is not None and u.is_active
        }.values()
        rows += [
            Notification(
                recipient=person,
                subject=_in_language(message.subject, person.preferred_language)[:200],
                body=_in_language(message.body, person.preferred_language),
                url=message.url,
                kind=message.kind,
            )
            for person in people
        ]
    created = Notification.objects.bulk_create(rows)
    if email and rows:
        mails = [
            (
                row.subject,
                f"{row.body}\n\n{row.url}".strip(),
                None,
                [row.recipient.email],
            )
            for row in rows
        ]
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return created


def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (or only the given ones) as read; returns how many."""
    rows = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=timezone.now())
