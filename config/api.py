"""The public API v1 (django-ninja): conventions of ../shared/API.md.

Errors are application/problem+json (RFC 9457); validation errors are 422 and name the field;
lists are paginated as {"items": [...], "count": N}; authentication is a bearer token.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from serumpun.accounts.api_auth import BearerToken
from serumpun.core.errors import ConflictError
from serumpun.exporters.images import UploadTooLarge

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


class UnsupportedMediaTypeError(ValueError):
    """A request body that is not JSON."""


def _nul_locations(value: Any, loc: list[Any]) -> list[list[Any]]:
    """Where a parsed input holds a NUL character (PostgreSQL cannot store one)."""
    if isinstance(value, str):
        return [loc] if "\x00" in value else []
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [found for key, item in items for found in _nul_locations(item, [*loc, key])]


def _refuse_nul(value: Any, source: str) -> None:
    locations = _nul_locations(value, [source])
    if locations:
        raise ValidationError(
            [
                {"loc": loc, "msg": "must not contain NUL characters"}
                for loc in locations
            ]
        )


class JsonParser(Parser):
    """Parses request bodies as JSON only, and refuses NUL characters anywhere in input.

    Other media types are refused before any view runs: a multipart body without a boundary
    would otherwise blow up in code that reads request.POST (django-axes does on sign-in).
    NUL characters are refused because PostgreSQL text cannot hold them (found by the
    schemathesis fuzz test: a NUL in ?q= was a 500).
    """

    def parse_body(self, request: HttpRequest) -> Any:
        media_type = request.content_type or ""
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise UnsupportedMediaTypeError(media_type)
        data = super().parse_body(request)
        _refuse_nul(data, "body")
        return data

    def parse_querydict(
        self, data: Any, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed, "query")
        return parsed


api = NinjaAPI(
    parser=JsonParser(),
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
    if isinstance(exc.__cause__, ValidationError):  # raised while parsing the body
        return on_validation_error(request, exc.__cause__)
    if isinstance(exc.__cause__, UnsupportedMediaTypeError):
        return problem_response(
            status=415,
            title="Unsupported media type",
            detail="Send the request body as JSON (Content-Type: application/json).",
        )
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


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    response = problem_response(
        status=409, title="Conflict", detail=exc.message or "State conflict."
    )
    if exc.extra:
        body = json.loads(response.content)
        body.update({k: v for k, v in exc.extra.items() if k not in body})
        response = JsonResponse(body, status=409, content_type=PROBLEM_CONTENT_TYPE)
    return response


@api.exception_handler(UploadTooLarge)
def on_upload_too_large(request: HttpRequest, exc: UploadTooLarge) -> HttpResponse:
    return problem_response(
        status=413, title="Payload too large", detail="The upload exceeds the size cap."
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
from serumpun.exporters.api import router as exporters_router  # noqa: E402
from serumpun.exporters.api_catalog import router as catalog_router  # noqa: E402
from serumpun.insights.api_open import router as open_data_router  # noqa: E402
from serumpun.labour.api import router as labour_router  # noqa: E402
from serumpun.labour.api_flow import router as labour_flow_router  # noqa: E402
from serumpun.logistics.api import router as logistics_router  # noqa: E402
from serumpun.logistics.api_consolidation import (  # noqa: E402
    router as consolidation_router,
)
from serumpun.readiness.api import router as readiness_router  # noqa: E402
from serumpun.readiness.api_requirements import (  # noqa: E402
    router as requirements_router,
)
from serumpun.trade.api_buyers import router as trade_buyers_router  # noqa: E402
from serumpun.trade.api_deals import router as trade_deals_router  # noqa: E402
from serumpun.trade.api_events import router as trade_events_router  # noqa: E402
from serumpun.trade.api_matching import router as trade_matching_router  # noqa: E402
from serumpun.trade.api_requests import router as trade_requests_router  # noqa: E402

api.add_router("/auth", auth_router)
api.add_router("/reference", reference_router)
# Exporters serves /msmes, /certificates and /catalog; paths are spelled out in its router.
api.add_router("", exporters_router)
api.add_router("/catalog", catalog_router)
api.add_router("/labour", labour_router)
api.add_router("/labour", labour_flow_router)
# Readiness serves /readiness/assessments and /msmes/{id}/assessments: paths spelled out.
api.add_router("", readiness_router)
api.add_router("/readiness", requirements_router)
api.add_router("/logistics", logistics_router)
api.add_router("/logistics", consolidation_router)
api.add_router("/trade", trade_buyers_router)
api.add_router("/trade", trade_requests_router)
api.add_router("/trade", trade_matching_router)
api.add_router("/trade", trade_deals_router)
api.add_router("/trade", trade_events_router)
api.add_router("/open", open_data_router)
