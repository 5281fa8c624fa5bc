"""The public API v1 (django-ninja): conventions of ../shared/API.md.

Errors are application/problem+json (RFC 9457); validation errors are 422 and name the field;
lists are paginated as {"items": [...], "count": N}; authentication is a bearer token.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from serumpun.accounts.api_auth import BearerToken

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    *,
    status: int,
    title: str,
    detail: str = "",
    errors: list[dict[str, Any]] | None = None,
) -> JsonResponse:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


api = NinjaAPI(
    title="Serumpun API",
    version="1",
    description="Lampung–Malaysia corridor platform: trade, transport and labour.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=BearerToken(),
)


PARAM_SOURCES = frozenset({"body", "query", "path", "form"})


def _clean_loc(loc: Any) -> list[Any]:
    # ninja prefixes locations with the parameter source ("body", "query") and the schema
    # argument's name; keep the source and drop the argument name so clients see field paths.
    parts = list(loc)
    if parts[:1] and parts[0] in PARAM_SOURCES and parts[1:2] == ["payload"]:
        parts = [parts[0], *parts[2:]]
    return parts


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": _clean_loc(err.get("loc", [])), "msg": str(err.get("msg", "invalid"))}
        for err in exc.errors
    ]
    fields = ", ".join(str(e["loc"][-1]) for e in errors if e["loc"]) or "request"
    return problem_response(
        status=422,
        title="Validation error",
        detail=f"Invalid input: {fields}",
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(
    request: HttpRequest, exc: AuthenticationError
) -> HttpResponse:
    response = problem_response(
        status=401,
        title="Unauthenticated",
        detail="Send a valid, unexpired token as 'Authorization: Bearer <token>'.",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


#: ninja answers 400 with this message when a JSON body does not parse; API.md wants 422
UNPARSABLE_BODY = "Cannot parse request body"


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc.message).startswith(UNPARSABLE_BODY):  # noqa: PLR2004
        return problem_response(
            status=422,
            title="Validation error",
            detail="The request body is not valid JSON.",
            errors=[{"loc": ["body"], "msg": "malformed JSON"}],
        )
    return problem_response(
        status=exc.status_code, title=str(exc.message), detail=str(exc.message)
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(status=404, title="Not found", detail="No such record.")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(
        status=403, title="Forbidden", detail=str(exc) or "Your role may not do this."
    )


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error")
    return problem_response(
        status=500,
        title="Internal error",
        detail="Something went wrong; it has been logged.",
    )


from serumpun.accounts.api import router as auth_router  # noqa: E402
from serumpun.core.api import router as reference_router  # noqa: E402

api.add_router("/auth", auth_router)
api.add_router("/reference", reference_router)
