"""Forms of the requirements page and the label checker, and HS-code cleaning they share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.roles import Role
from serumpun.core.models import HSCode
from serumpun.exporters.models import Product
from serumpun.readiness import knowledge
from serumpun.readiness.rules import labels as label_rules

MAX_HS_INPUT = 12
PROCESSED_CHOICES = [
    ("", _("Not said")),
    ("yes", _("Yes, processed (e.g. roasted, fried, packed)")),
    ("no", _("No, raw produce")),
]
MARKET_NAMES = {"MY": _("Malaysia")}
LABEL_LANGUAGE_CHOICES = [
    ("id", _("Indonesian")),
    ("en", _("English")),
    ("ms", _("Malay")),
    ("zh", _("Chinese")),
    ("ar", _("Arabic")),
]
CONTENT_CHOICES = [
    ("contains_allergens", _("Allergens (e.g. peanuts, milk, wheat, shellfish)")),
    ("contains_gmo", _("Genetically modified ingredients")),
    ("contains_beef_or_pork", _("Beef or pork")),
    ("contains_alcohol", _("Alcohol")),
]
HALAL_CERTIFICATE_CHOICES = [
    (label_rules.NO_CERTIFICATE, _("No valid halal certificate")),
    (label_rules.VALID, _("A valid BPJPH halal certificate")),
    (
        label_rules.SELF_DECLARED,
        _("A BPJPH self-declared (micro-enterprise) certificate"),
    ),
]


def own_products(user: Any) -> QuerySet[Product]:
    """Products of the user's own organisations (not everything an officer may see)."""
    return (
        Product.objects.visible_to(user)
        .filter(msme__organisation__in=user.organisation_ids)
        .select_related("hs_code", "msme")
        .order_by("name_id", "id")
    )


def shows_products(user: Any) -> bool:
    """Whether to offer the user's own products (MSME owners have them; others type HS)."""
    return Role.MSME_OWNER in user.roles


class ProductChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One of the user's products, shown with its HS code."""

    def label_from_instance(self, obj: Product) -> str:
        return f"{obj.name_in(knowledge.current_language())} (HS {obj.hs_code_id})"


def _hs_widget() -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "autocomplete": "off",
            "data-hs-input": "",
            "hx-get": reverse("exporters:hs_suggest"),
            "hx-trigger": "keyup changed delay:300ms",
            "hx-target": "#hs-suggestions",
            # the form swaps its results outerHTML; the suggestions fill their box
            "hx-swap": "innerHTML",
        }
    )


class RequirementsForm(forms.Form):
    """Which product, for which market, with which claims (a GET form)."""

    product = ProductChoiceField(
        label=_("One of your products"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("— type an HS code instead —"),
    )
    hs_code = forms.CharField(
        label=_("HS code"),
        max_length=MAX_HS_INPUT,
        required=False,
        help_text=_("Six digits, or type the product's name (kopi, lada, keripik…)."),
    )
    market = forms.ChoiceField(label=_("Market"), initial="MY")
    claims = forms.MultipleChoiceField(
        label=_("The label claims or the food contains"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    processed = forms.ChoiceField(
        label=_("Processed food?"), choices=PROCESSED_CHOICES, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = own_products(user)  # type: ignore[attr-defined]
        self.show_products = shows_products(user)
        self.fields["hs_code"].widget = _hs_widget()
        self.fields["market"].choices = [  # type: ignore[attr-defined]
            (code, MARKET_NAMES.get(code, code))
            for code in sorted(knowledge.known_markets())
        ]
        self.fields["claims"].choices = knowledge.claim_choices()  # type: ignore[attr-defined]
        self.hs: HSCode | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        product: Product | None = cleaned.get("product")
        raw = cleaned.get("hs_code") or ""
        if product is not None and not raw:
            self.hs = product.hs_code
            cleaned["hs_code"] = product.hs_code_id
            return cleaned
        code = knowledge.normalise_hs_code(raw)
        self.hs = knowledge.hs_subheading(code) if code else None
        if self.hs is None:
            self.add_error(
                "hs_code",
                _("Enter a six-digit HS 2022 code, or pick one of the suggestions."),
            )
        else:
            cleaned["hs_code"] = self.hs.code
        return cleaned

    def query(self) -> dict[str, Any]:
        """Arguments for knowledge.requirements_for (after is_valid)."""
        product: Product | None = self.cleaned_data.get("product")
        claims = set(self.cleaned_data["claims"])
        processed = {"yes": True, "no": False}.get(self.cleaned_data["processed"])
        if product is not None and product.hs_code_id == self.cleaned_data["hs_code"]:
            if product.halal_claim:
                claims.add("halal")
            if processed is None:
                processed = product.processed
        return {
            "hs_code": self.cleaned_data["hs_code"],
            "market": self.cleaned_data["market"],
            "claims": sorted(claims),
            "processed": processed,
        }


class LabelCheckForm(forms.Form):
    """What is on the label, what the food contains, and the halal certificate held."""

    product = ProductChoiceField(
        label=_("One of your products (to find its halal certificate)"),
        queryset=Product.objects.none(),
        required=False,
        empty_label=_("— no product —"),
    )
    items = forms.MultipleChoiceField(
        label=_("What the label shows"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages on the label"),
        choices=LABEL_LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contains = forms.MultipleChoiceField(
        label=_("The food contains"),
        choices=CONTENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    halal_logo = forms.BooleanField(
        label=_("The label shows a halal logo or the word halal"), required=False
    )
    halal_certificate = forms.ChoiceField(
        label=_("Halal certificate (when no product is chosen)"),
        choices=HALAL_CERTIFICATE_CHOICES,
        required=False,
        initial=label_rules.NO_CERTIFICATE,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = own_products(user)  # type: ignore[attr-defined]
        self.show_products = shows_products(user)
        language = knowledge.current_language()
        self.fields["items"].choices = [  # type: ignore[attr-defined]
            (item.key, item.title_in(language))
            for item in knowledge.label_rules().items
        ]

    def languages_from_product(self) -> bool:
        """No language ticked but a product chosen: its recorded label languages count."""
        product = self.cleaned_data.get("product")
        return not self.cleaned_data["languages"] and bool(
            product is not None and product.label_languages
        )

    def facts(self, halal_certificate: str | None = None) -> label_rules.LabelFacts:
        """The label facts; `halal_certificate` (from the registry) overrides the form."""
        data = self.cleaned_data
        languages = data["languages"]
        if self.languages_from_product():
            languages = data["product"].label_languages
        return label_rules.LabelFacts(
            items=frozenset(data["items"]),
            languages=frozenset(languages),
            contains=frozenset(data["contains"]),
            halal_logo=data["halal_logo"],
            halal_certificate=halal_certificate
            or data["halal_certificate"]
            or label_rules.NO_CERTIFICATE,
        )
