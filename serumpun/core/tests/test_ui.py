"""The UI shell: accessibility and CSP-relevant markup, navigation per role, the language
switcher, flash messages, the demo notice and the error pages."""

import re
from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.shortcuts import render
from django.test.utils import CaptureQueriesContext

from serumpun.accounts.roles import Role
from serumpun.accounts.tests.factories import make_user
from serumpun.core import views

pytestmark = pytest.mark.django_db

# A <script> without src runs inline, unless it is a JSON data block (never executed).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def html_of(response):
    return response.content.decode()


def lang_of(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def signed_in(client, role=Role.OFFICER, **fields):
    user = make_user(role, **fields)
    client.force_login(user)
    return user


@pytest.fixture
def rf_request(rf):
    """A bare request with a session and message storage, for rendering templates."""

    def build(user=None, path="/"):
        request = rf.get(path)
        SessionMiddleware(lambda r: None).process_request(request)
        request._messages = FallbackStorage(request)
        if user is not None:
            request.user = user
        return request

    return build


# --- Markup that security and accessibility depend on --------------------------------------


@pytest.mark.parametrize(
    ("path", "signed_in_role"),
    [
        ("/", Role.OFFICER),
        ("/", Role.SEEKER),
        ("/accounts/login/", None),
        ("/accounts/settings/", Role.BUYER),
        ("/no-such-page/", Role.MSME_OWNER),
        ("/no-such-page/", None),
        ("/api/v1/docs", Role.FORWARDER),
    ],
)
def test_pages_have_no_inline_script_style_or_handlers(client, path, signed_in_role):
    if signed_in_role:
        signed_in(client, signed_in_role)
    html = html_of(client.get(path))
    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_STYLE.findall(html) == []
    assert INLINE_HANDLER.findall(html) == []


def test_api_docs_load_nothing_from_a_cdn(client):
    signed_in(client, Role.OFFICER)
    html = html_of(client.get("/api/v1/docs"))
    assert "swagger" in html.lower()
    assert re.findall(r'(?:src|href)="https?://', html) == []


def test_the_skip_link_comes_first_and_targets_main(client):
    signed_in(client)
    html = html_of(client.get("/"))
    body = html[html.index("<body") :]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'href="#main"' in first_link
    assert 'class="skip-link"' in first_link
    assert '<main id="main"' in html


def test_page_has_landmarks_and_a_labelled_main_menu(client):
    signed_in(client)
    html = html_of(client.get("/"))
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert re.search(r'<nav class="site-nav" aria-label="[^"]+">', html)
    assert '<a href="/" aria-current="page">' in html


def test_html_lang_is_the_active_language(client):
    signed_in(client)
    assert lang_of(html_of(client.get("/"))) == "id"  # Indonesian is the default
    client.cookies["serumpun_language"] = "ms"
    assert lang_of(html_of(client.get("/"))) == "ms"


def test_every_form_field_in_the_shell_has_a_label(client):
    signed_in(client)
    html = html_of(client.get("/"))
    assert '<label for="language-select">' in html
    assert '<select id="language-select" name="language">' in html


def test_htmx_is_vendored_deferred_and_configured_for_the_csp(client):
    signed_in(client)
    html = html_of(client.get("/"))
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in html
    assert '"includeIndicatorStyles": false' in html
    assert "https://" not in re.sub(r'content="[^"]*"', "", html)  # no CDN
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html)
    assert token and len(token.group(1)) >= 32


@pytest.mark.parametrize(
    "asset",
    [
        "css/serumpun.css",
        "js/serumpun.js",
        "vendor/htmx/htmx.min.js",
        "vendor/htmx/LICENSE",
    ],
)
def test_static_assets_exist(asset):
    assert finders.find(asset) is not None


def test_stylesheet_defines_the_shared_classes():
    css = Path(finders.find("css/serumpun.css")).read_text(encoding="utf-8")
    for name in [
        "card",
        "stack",
        "grid",
        "btn",
        "btn-primary",
        "btn-danger",
        "muted",
        "badge",
        "empty-state",
        "table-wrap",
        "form-errors",
        "figure",
        "progress",
        "visually-hidden",
    ]:
        assert re.search(rf"\.{name}\b", css), name
    assert ":focus-visible" in css


def test_responses_carry_a_strict_csp(client):
    signed_in(client)
    csp = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp


# --- Header, navigation, sign-out --------------------------------------------------------


def test_header_shows_name_role_and_organisation(client):
    user = signed_in(client, Role.BUYER, full_name="Tan Mei Ling")
    html = html_of(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Tan Mei Ling" in html
    assert '<span class="badge">buyer</span>' in html
    assert user.organisation.name in html


def test_logout_is_a_post_form_with_csrf(client):
    signed_in(client)
    html = html_of(client.get("/"))
    form = re.search(
        r'<form class="inline-form" method="post" action="/accounts/logout/">(.*?)</form>',
        html,
        re.DOTALL,
    )
    assert form is not None
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert 'href="/accounts/logout/"' not in html


@pytest.mark.parametrize(
    ("role", "is_staff", "api_docs", "admin"),
    [
        (Role.OFFICER, False, True, False),
        (Role.FORWARDER, False, True, False),
        (Role.BUYER, False, True, False),
        (Role.MSME_OWNER, False, False, False),
        (Role.SEEKER, False, False, False),
        (Role.ADMIN, True, True, True),
        (Role.ADMIN, False, True, False),  # the admin site also needs is_staff
    ],
)
def test_navigation_follows_the_role(client, role, is_staff, api_docs, admin):
    signed_in(client, role, is_staff=is_staff)
    html = html_of(client.get("/"))
    nav = re.search(r"<nav class=\"site-nav\".*?</nav>", html, re.DOTALL).group(0)
    assert 'href="/"' in nav
    assert 'href="/accounts/settings/"' in nav
    assert ('href="/api/v1/docs"' in nav) is api_docs
    assert ('href="/admin/"' in nav) is admin


def test_anonymous_pages_have_no_menu_or_session(client):
    html = html_of(client.get("/accounts/login/"))
    assert 'class="site-nav"' not in html
    assert "/accounts/logout/" not in html
    assert 'class="language-switcher"' in html


# --- Language switcher --------------------------------------------------------------------


def test_switcher_posts_to_set_language_with_the_current_path(client):
    signed_in(client)
    html = html_of(client.get("/accounts/settings/?tab=tokens"))
    assert (
        '<form class="language-switcher" method="post" action="/i18n/setlang/">' in html
    )
    assert (
        '<input type="hidden" name="next" value="/accounts/settings/?tab=tokens">'
        in html
    )
    switcher = re.search(r'<form class="language-switcher".*?</form>', html, re.DOTALL)
    options = re.findall(r'<option value="(\w+)"', switcher.group(0))
    assert options == ["id", "en", "ms"]


@pytest.mark.parametrize(
    ("language", "home_label", "logout_label"),
    [
        ("en", "Home", "Log out"),
        ("ms", "Utama", "Log keluar"),
        ("id", "Beranda", "Keluar"),
    ],
)
def test_switching_language_sets_the_cookie_and_the_next_page_follows(
    client, language, home_label, logout_label
):
    signed_in(client)
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["serumpun_language"].value == language
    html = html_of(client.get("/"))
    assert lang_of(html) == language
    # Django's own catalogues already translate these labels.
    assert f'aria-current="page">{home_label}</a>' in html
    assert f">{logout_label}</button>" in html
    assert f'<option value="{language}" lang="{language}" selected>' in html


def test_switching_language_refuses_a_foreign_next_url(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


# --- Messages, demo notice ----------------------------------------------------------------


def test_flash_messages_are_shown_with_their_level(rf_request):
    request = rf_request(user=make_user(Role.OFFICER))
    messages.success(request, "Profile saved.")
    messages.error(request, "Could not send the e-mail.")
    html = render(request, "errors/404.html").content.decode()
    assert '<li class="message message-success">Profile saved.</li>' in html
    assert '<li class="message message-error">Could not send the e-mail.</li>' in html
    assert 'role="status"' in html


def test_demo_accounts_see_the_demo_notice(client):
    signed_in(client, Role.MSME_OWNER, is_demo=True)
    assert 'class="demo-notice"' in html_of(client.get("/"))


def test_real_accounts_do_not_see_the_demo_notice(client):
    signed_in(client, Role.MSME_OWNER, is_demo=False)
    assert 'class="demo-notice"' not in html_of(client.get("/"))


# --- Error pages ---------------------------------------------------------------------------


def test_unknown_url_answers_404_with_the_site_template(client, settings):
    settings.DEBUG = False
    signed_in(client)
    response = client.get("/this/does/not/exist/")
    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]
    html = html_of(response)
    assert '<p class="error-code" aria-hidden="true">404</p>' in html
    assert 'class="site-nav"' in html  # in the layout, so the user can carry on


def test_permission_denied_renders_the_403_template(rf_request):
    request = rf_request(user=make_user(Role.BUYER))
    response = views.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert (
        '<p class="error-code" aria-hidden="true">403</p>' in response.content.decode()
    )


def test_500_page_renders_without_request_user_or_database(rf):
    request = rf.get("/")  # no session, no user, no middleware at all
    with CaptureQueriesContext(connection) as queries:
        response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<p class="error-code" aria-hidden="true">500</p>' in html
    assert '<html lang="' in html
    assert "site-nav" not in html
    assert len(queries) == 0


def test_messages_partial_can_be_swapped_out_of_band_by_htmx():
    from django.template import Context, Template

    class Message:
        level_tag = "success"

        def __str__(self):
            return "Token revoked."

    template = Template('{% include "partials/messages.html" with oob=True %}')
    html = template.render(Context({"messages": [Message()]}))
    assert 'id="messages"' in html
    assert 'hx-swap-oob="true"' in html
    assert '<li class="message message-success">Token revoked.</li>' in html


def test_the_messages_live_region_is_present_even_when_empty(client):
    signed_in(client)
    html = html_of(client.get("/"))
    assert 'id="messages" role="status" aria-live="polite"' in html
