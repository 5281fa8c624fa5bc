"""Forms of the officer's pages: the registry filter and the verification decision."""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from serumpun.core.models import HSCode
from serumpun.exporters.models import (
    MSME,
    Certificate,
    CertificateKind,
    Product,
    SizeClass,
    Verification,
)
from serumpun.exporters.search import search_msmes

#: the longest free-text query the registry accepts (longer input is refused, not truncated)
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class RegencyPlace:
    """A Lampung regency or city and its capital's position (for the filter and the map)."""

    code: str
    name: str
    capital: str
    lat: float
    lon: float


@functools.cache
def lampung_regencies() -> tuple[RegencyPlace, ...]:
    """Lampung's 15 regencies and cities, from data/wilayah/lampung-capitals.csv."""
    path = settings.DATA_DIR / "wilayah" / "lampung-capitals.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            RegencyPlace(
                code=row["regency_code"],
                name=row["regency_name"],
                capital=row["capital"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(handle)
        )


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("all")), *choices]


def _regency_choices() -> list[tuple[str, Any]]:
    return _blank((place.code, place.name) for place in lampung_regencies())


#: HS chapters run 01–97 (77 is reserved); used as plain numbers until HS 2022 is loaded
HS_CHAPTERS = range(1, 98)
CHAPTER_LABEL_LENGTH = 60


def _chapter_choices() -> list[tuple[str, Any]]:
    chapters = [
        (code, f"{code} {description[:CHAPTER_LABEL_LENGTH]}")
        for code, description in HSCode.objects.filter(level=2)
        .order_by("code")
        .values_list("code", "description")
    ]
    return _blank(chapters or [(f"{n:02d}", f"{n:02d}") for n in HS_CHAPTERS])


class RegistryFilterForm(forms.Form):
    """What the officer narrows the registry to; every field is optional."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Name, brand, NIB or owner"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    regency = forms.ChoiceField(
        label=_("Regency or city"), required=False, choices=_regency_choices
    )
    size_class = forms.ChoiceField(
        label=_("Size class"), required=False, choices=_blank(SizeClass.choices)
    )
    state = forms.ChoiceField(
        label=_("Verification"), required=False, choices=_blank(Verification.choices)
    )
    certificate = forms.ChoiceField(
        label=_("Holds a valid certificate"),
        required=False,
        choices=_blank(CertificateKind.choices),
    )
    hs_chapter = forms.ChoiceField(
        label=_("HS chapter of a product"),
        required=False,
        choices=(),  # set in __init__: one query for the loaded HS chapters
        help_text=_(
            "The first two digits of the HS code, e.g. 09 for coffee and spices"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hs_chapter"].choices = _chapter_choices()  # type: ignore[attr-defined]

    def filter(
        self, queryset: QuerySet[MSME], *, as_of: dt.date, regency: bool = True
    ) -> QuerySet[MSME]:
        """`queryset` narrowed by the cleaned filters; `regency=False` ignores the regency.

        Filters on certificates and products are EXISTS subqueries, so a row never repeats
        and the page's query count does not depend on how many certificates a business has.
        """
        data = self.cleaned_data
        if regency and data.get("regency"):
            queryset = queryset.filter(regency_id=data["regency"])
        if data.get("size_class"):
            queryset = queryset.filter(size_class=data["size_class"])
        if data.get("state"):
            queryset = queryset.filter(verification=data["state"])
        if data.get("certificate"):
            held = Certificate.objects.valid_on(as_of).filter(
                msme=OuterRef("pk"), kind=data["certificate"]
            )
            queryset = queryset.filter(Exists(held))
        if data.get("hs_chapter"):
            in_chapter = Product.objects.filter(
                msme=OuterRef("pk"), hs_code__code__startswith=data["hs_chapter"]
            )
            queryset = queryset.filter(Exists(in_chapter))
        return search_msmes(queryset, data.get("q", ""))

    def active_filters(self) -> list[str]:
        """Names of the filters in use (for the audit row of an export; never their values)."""
        return sorted(name for name, value in self.cleaned_data.items() if value)


class VerificationDecisionForm(forms.Form):
    """An officer's decision on a profile or certificate; a rejection needs a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Verification.VERIFIED, _("Verify")),
            (Verification.REJECTED, _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting. The owner sees it."),
    )
    confirm = forms.BooleanField(
        label=_("I have checked the details and confirm this decision"),
        required=True,
        error_messages={"required": _("Tick the box to confirm your decision.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("decision") == Verification.REJECTED
            and not cleaned.get("reason", "").strip()
        ):
            raise ValidationError(
                {"reason": _("Say why you reject it, so the owner can fix it.")}
            )
        return cleaned
