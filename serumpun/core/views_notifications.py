"""The signed-in person's notifications: a list, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from serumpun.core.models import Notification
from serumpun.core.notifications import mark_read

PAGE_SIZE = 30


@require_safe
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """Newest first, unread ones highlighted."""
    rows = Notification.objects.for_user(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@require_POST
@login_required
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification read."""
    mark_read(user=request.user)
    return redirect("core:notifications")
