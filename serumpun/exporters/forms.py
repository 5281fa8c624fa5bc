"""Forms of the MSME owner's pages: profile, export history, products, photos, certificates.

Validation of what people type happens here, at the edge (separators in NIB and phone numbers,
"1.000.000" for rupiah, an HS code that exists); the actions receive clean model values.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from serumpun.core.models import Country, HSCode, Regency
from serumpun.exporters.models import MSME, Certificate, Product
from serumpun.exporters.rules import identifiers

#: Lampung's BPS province code: the registry holds Lampung's MSMEs
LAMPUNG_PROVINCE_CODE = "18"

#: HS subheadings (6 digits) are what a product is classified under
HS_SUBHEADING = 6

#: earliest year a business or an export line may carry
EARLIEST_YEAR = 1900

#: languages an owner may speak with buyers (ISO 639-1)
SPOKEN_LANGUAGES = [
    ("id", _("Indonesian")),
    ("en", _("English")),
    ("ms", _("Malay")),
    ("zh", _("Chinese")),
    ("ar", _("Arabic")),
]

#: languages a product label may be printed in (API.md: id, en, ms)
LABEL_LANGUAGES = [("id", _("Indonesian")), ("en", _("English")), ("ms", _("Malay"))]

# "Rp 1.000.000", "1,000,000", "1 000 000", "1000000", optionally with ",00" cents.
_RUPIAH = re.compile(r"^(?:\d{1,3}(?:([.,\s])\d{3})?(?:\1\d{3})*|\d+)(?:[.,]00)?$")


def parse_rupiah(raw: str) -> Decimal:
    """A whole rupiah amount from the ways people write it ("Rp 1.000.000" → 1000000)."""
    text = re.sub(r"(?i)^\s*(rp|idr)\.?\s*", "", raw).strip()
    if not _RUPIAH.match(text):
        raise ValueError(raw)
    if re.search(r"[.,]00$", text) and not re.search(r"[.,]\d{3}$", text):
        text = text[:-3]  # drop the cents of "1.000.000,00"
    return Decimal(re.sub(r"[.,\s]", "", text))


class RupiahField(forms.Field):
    """A whole, non-negative amount in rupiah; accepts thousands separators."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    #: longer than any amount written with separators and "Rp"
    MAX_TEXT = 40

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            if len(text) > self.MAX_TEXT:
                raise ValueError(text)
            amount = parse_rupiah(text)
        except (ValueError, InvalidOperation) as exc:
            raise ValidationError(
                _("Enter a whole amount in rupiah, for example 1.000.000."),
                code="invalid",
            ) from exc
        if len(amount.as_tuple().digits) > 18:  # noqa: PLR2004 (the model's max_digits)
            raise ValidationError(_("This amount is too large."), code="max_digits")
        return amount

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:,.0f}".replace(",", ".")
        return value


def _date_widget() -> forms.DateInput:
    # type="date" gives the phone's date picker; it submits ISO dates, which Django accepts.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DetachedModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form that validates against a copy of its instance.

    A ModelForm writes the cleaned values into its instance while validating. The actions
    compare the record with the new values to find what changed (for the audit log and
    re-verification), so the record the view passes on must stay untouched.
    """

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        kwargs["instance"] = copy.copy(instance)
        super().__init__(*args, **kwargs)


def _identifier(normalise: Any, value: str, message: Any) -> str:
    try:
        return str(normalise(value))
    except ValueError as exc:
        raise ValidationError(message, code="invalid") from exc


class MSMEForm(DetachedModelForm):
    """The business profile, as the owner or an officer types it."""

    # Wider than the stored values: people type separators ("9120-0000-0000-1").
    nib = forms.CharField(
        label=_("NIB"),
        max_length=30,
        help_text=_("The 13-digit business identification number from OSS."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    npwp = forms.CharField(
        label=_("NPWP"),
        max_length=30,
        required=False,
        help_text=_("Tax number, 15 or 16 digits (optional)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        help_text=_("For example 0812-3456-7890 or +62 812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    regency = forms.ModelChoiceField(
        label=_("Regency or city"),
        queryset=Regency.objects.filter(province_id=LAMPUNG_PROVINCE_CODE),
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    established_year = forms.IntegerField(
        label=_("Year established"),
        required=False,
        min_value=EARLIEST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    employees = forms.IntegerField(
        label=_("Employees"), required=False, min_value=0, max_value=1_000_000
    )
    annual_turnover_idr = RupiahField(
        label=_("Annual turnover (IDR)"),
        required=False,
        help_text=_("For example 600.000.000."),
    )
    assets_idr = RupiahField(
        label=_("Assets excluding land and buildings (IDR)"),
        required=False,
        help_text=_("Turnover and assets decide the size class (PP 7/2021)."),
    )
    kbli_code = forms.CharField(
        label=_("KBLI 2020 code"),
        required=False,
        max_length=5,
        validators=[
            RegexValidator(r"^\d{5}$", _("Enter the five digits of the code."))
        ],
        help_text=_("Business sector code (optional), for example 10761."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MSME
        fields: ClassVar[list[str]] = [
            "name",
            "brand_name",
            "nib",
            "npwp",
            "regency",
            "address",
            "lat",
            "lon",
            "owner_name",
            "phone",
            "email",
            "established_year",
            "employees",
            "annual_turnover_idr",
            "assets_idr",
            "kbli_code",
            "languages",
        ]

    def clean_nib(self) -> str:
        return _identifier(
            identifiers.normalise_nib,
            self.cleaned_data["nib"],
            _("Enter the 13 digits of the NIB."),
        )

    def clean_npwp(self) -> str:
        return _identifier(
            identifiers.normalise_npwp,
            self.cleaned_data.get("npwp", ""),
            _("An NPWP has 15 or 16 digits."),
        )

    def clean_phone(self) -> str:
        return _identifier(
            identifiers.normalise_phone,
            self.cleaned_data["phone"],
            _("Enter an Indonesian phone number, for example 0812-3456-7890."),
        )

    def clean_established_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("established_year")
        if year is not None and year > timezone.localdate().year:
            raise ValidationError(_("The year lies in the future."))
        return year

    def action_fields(self) -> dict[str, Any]:
        """Cleaned model values for create_msme/update_msme (regency as regency_id)."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["regency_id"] = fields.pop("regency").pk
        return fields


class ExportLineForm(forms.Form):
    """One line of export history: country, year and value."""

    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.order_by("name")
    )
    year = forms.IntegerField(label=_("Year"), min_value=EARLIEST_YEAR)
    value_usd = forms.DecimalField(
        label=_("Value (USD)"), min_value=Decimal(0), max_digits=14, decimal_places=2
    )

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise ValidationError(_("The year lies in the future."))
        return year


ExportLineFormSet = forms.formset_factory(ExportLineForm, extra=2, max_num=20)


def language_names(codes: list[str]) -> list[str]:
    """The names of ISO 639-1 codes in the active language (unknown codes as they are)."""
    names = dict(SPOKEN_LANGUAGES)
    return [str(names.get(code, code)) for code in codes]


def filled_export_lines(formset: forms.BaseFormSet) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    """The cleaned lines of a valid formset, skipping the empty extra rows."""
    return [form.cleaned_data for form in formset.forms if form.cleaned_data]


def _non_negative_decimal(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=Decimal(0), **kwargs)


class ProductForm(DetachedModelForm):
    """A product: names in three languages, HS code, packaging and commercial terms."""

    hs_code = forms.CharField(
        label=_("HS code"),
        max_length=12,
        help_text=_("Six digits. Type the product name to see suggestions."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "data-hs-input": ""}
        ),
    )
    description_id = forms.CharField(
        label=_("Description (Indonesian)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    carton_length_cm = _non_negative_decimal(
        _("Carton length (cm)"), required=False, max_digits=7, decimal_places=1
    )
    carton_width_cm = _non_negative_decimal(
        _("Carton width (cm)"), required=False, max_digits=7, decimal_places=1
    )
    carton_height_cm = _non_negative_decimal(
        _("Carton height (cm)"), required=False, max_digits=7, decimal_places=1
    )
    carton_gross_weight_kg = _non_negative_decimal(
        _("Carton gross weight (kg)"), required=False, max_digits=8, decimal_places=2
    )
    label_languages = forms.MultipleChoiceField(
        label=_("Label languages"),
        choices=LABEL_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Product
        fields: ClassVar[list[str]] = [
            "name_id",
            "name_en",
            "name_ms",
            "description_id",
            "description_en",
            "description_ms",
            "hs_code",
            "monthly_capacity_kg",
            "unit_net_weight_kg",
            "carton_length_cm",
            "carton_width_cm",
            "carton_height_cm",
            "carton_gross_weight_kg",
            "units_per_carton",
            "shelf_life_days",
            "ingredients",
            "allergens",
            "fob_price_usd_per_kg",
            "moq_kg",
            "lead_time_days",
            "halal_claim",
            "processed",
            "label_languages",
        ]
        widgets: ClassVar[dict[str, Any]] = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_ms": forms.Textarea(attrs={"rows": 3}),
            "ingredients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Typing the name (or digits of the code) asks for HS suggestions (htmx).
        suggest = {
            "hx-get": reverse("exporters:hs_suggest"),
            "hx-trigger": "keyup changed delay:300ms",
            "hx-target": "#hs-suggestions",
            "autocomplete": "off",
        }
        self.fields["name_id"].widget.attrs.update(suggest)
        self.fields["hs_code"].widget.attrs.update(suggest)

    def clean_hs_code(self) -> HSCode:
        code = re.sub(r"[\s.]", "", self.cleaned_data["hs_code"])
        found = (
            HSCode.objects.filter(code=code, level=HS_SUBHEADING).first()
            if code.isdigit() and len(code) == HS_SUBHEADING
            else None
        )
        if found is None:
            raise ValidationError(
                _("Enter a six-digit HS 2022 code, or pick one of the suggestions."),
                code="unknown_hs_code",
            )
        return found

    def action_fields(self) -> dict[str, Any]:
        """Cleaned model values for add_product/update_product (HS code as hs_code_id)."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["hs_code_id"] = fields.pop("hs_code").pk
        return fields


class PhotoForm(forms.Form):
    """One product photo; the action checks its content and size."""

    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )


class CertificateForm(forms.ModelForm):  # type: ignore[type-arg]
    """A certificate the MSME holds, its validity, document and the products it covers."""

    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("A scan or photo of the certificate: PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Products covered"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Certificate
        fields: ClassVar[list[str]] = [
            "kind",
            "number",
            "issuer",
            "issued_on",
            "valid_until",
        ]
        widgets: ClassVar[dict[str, Any]] = {
            "issued_on": _date_widget(),
            "valid_until": _date_widget(),
        }

    def __init__(self, *args: Any, msme: MSME, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        products = self.fields["products"]
        products.queryset = msme.products.order_by("name_id")  # type: ignore[attr-defined]
        if not products.queryset.exists():  # type: ignore[attr-defined]
            del self.fields["products"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        issued, until = cleaned.get("issued_on"), cleaned.get("valid_until")
        if issued and until and until < issued:
            self.add_error(
                "valid_until", _("The certificate expires before its issue.")
            )
        return cleaned

    def action_fields(self) -> dict[str, Any]:
        """Cleaned model values for record_certificate."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def product_ids(self) -> list[int]:
        """Primary keys of the products the certificate covers."""
        return [product.pk for product in self.cleaned_data.get("products", [])]
