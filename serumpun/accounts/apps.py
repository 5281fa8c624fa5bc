from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, organisations, memberships and roles, API tokens, two-factor authentication."""

    name = "serumpun.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
