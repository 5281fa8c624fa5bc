"""Admin for users, organisations, memberships, API tokens and invitations.

Password hashes, token hashes and invitation hashes are never shown.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from serumpun.accounts import actions
from serumpun.accounts.actions import SECRET_BYTES
from serumpun.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    User,
)


class MembershipInline(admin.TabularInline[Membership, Any]):
    """Roles of a user, or members of an organisation."""

    model = Membership
    extra = 0
    autocomplete_fields = ("user", "organisation")


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    """People; a new account gets a random password and sets its own by password reset."""

    list_display = (
        "email",
        "full_name",
        "is_active",
        "is_staff",
        "is_demo",
        "last_login",
    )
    list_filter = (
        "is_active",
        "is_staff",
        "is_superuser",
        "is_demo",
        "memberships__role",
    )
    search_fields = ("email", "full_name")
    ordering = ("email",)
    fields = (
        "email",
        "full_name",
        "phone",
        "preferred_language",
        "is_active",
        "is_staff",
        "is_superuser",
        "is_demo",
        "date_joined",
        "last_login",
    )
    readonly_fields = ("date_joined", "last_login")
    inlines = (MembershipInline,)

    def save_model(
        self, request: HttpRequest, obj: User, form: Any, change: bool
    ) -> None:
        if not change:
            # Random rather than unusable: Django's password reset skips unusable ones.
            obj.set_password(secrets.token_urlsafe(SECRET_BYTES))
        super().save_model(request, obj, form, change)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    """Organisations and their members."""

    list_display = ("name", "kind", "country", "regency", "is_demo", "created_at")
    list_filter = ("kind", "country", "is_demo")
    search_fields = ("name",)
    raw_id_fields = ("regency", "state")
    inlines = (MembershipInline,)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """API tokens, read-only; the revoke action is the one change allowed."""

    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "user__email", "name")
    fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            actions.revoke_api_token(by=request.user, token=token)  # type: ignore[arg-type]
        message = ngettext("%d token revoked.", "%d tokens revoked.", len(live))
        self.message_user(request, message % len(live), messages.SUCCESS)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Invitations, read-only: officers send them from the invite page."""

    list_display = (
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    )
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    fields = readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
