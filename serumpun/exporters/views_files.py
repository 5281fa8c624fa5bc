"""Private files of the registry: product photos and certificate documents.

Uploads live under MEDIA_ROOT, outside the web root, and only these views hand them out, after
the same visibility check as the pages: the owner's organisation and officers/attachés see
their records; holders of "catalog.view" (buyers) also see what the catalogue shows — photos
of catalogue products and documents of verified certificates of verified MSMEs.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from serumpun.accounts.roles import has_permission
from serumpun.core.uploads import private_file_response
from serumpun.exporters.models import Certificate, Product, ProductPhoto, Verification

#: which stored file each photo URL kind serves
PHOTO_KINDS = {"thumb": "thumbnail", "full": "image"}


def _browsable_products(user: Any) -> QuerySet[Product]:
    visible: QuerySet[Product] = Product.objects.visible_to(user)
    if has_permission(user, "catalog.view"):
        visible = visible | Product.objects.in_catalogue()
    return visible


def _browsable_certificates(user: Any) -> QuerySet[Certificate]:
    visible: QuerySet[Certificate] = Certificate.objects.visible_to(user)
    if has_permission(user, "catalog.view"):
        visible = visible | Certificate.objects.filter(
            verification=Verification.VERIFIED,
            msme__verification=Verification.VERIFIED,
        )
    return visible


@require_safe
@login_required
def photo(request: HttpRequest, pk: Any, kind: str) -> FileResponse:
    """A product photo ("full") or its thumbnail ("thumb")."""
    if kind not in PHOTO_KINDS:
        raise Http404
    found = (
        ProductPhoto.objects.filter(
            pk=pk, product__in=_browsable_products(request.user)
        )
        .only(PHOTO_KINDS[kind], "content_type")
        .first()
    )
    if found is None:
        raise Http404
    return private_file_response(
        getattr(found, PHOTO_KINDS[kind]),
        as_attachment=False,
        content_type=found.content_type,
    )


@require_safe
@login_required
def certificate_document(request: HttpRequest, pk: int) -> FileResponse:
    """The scan of a certificate (PDF or image), for the people who may see it."""
    found = (
        _browsable_certificates(request.user)
        .filter(pk=pk)
        .exclude(document="")
        .only("document")
        .first()
    )
    if found is None:
        raise Http404
    return private_file_response(found.document, as_attachment=False)
