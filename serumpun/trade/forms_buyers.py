"""Forms of the buyer pages: the profile, a permit, a verification decision, the directory
filters. They check the shape of the input; the actions check the rest (unique SSM number,
HS codes that exist, permit rules of the requirement book)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from serumpun.accounts.models import Organisation
from serumpun.core.models import Subdivision
from serumpun.core.uploads import max_upload_bytes
from serumpun.trade.actions_buyers import (
    is_valid_ssm,
    normalise_ssm,
    permit_rules,
    sends_back_to_pending,
)
from serumpun.trade.models import BuyerPermit, BuyerProfile, BuyerType, Verification

#: room for the spaces and hyphens people type inside an SSM number
MAX_TYPED_SSM = 24
MAX_SEARCH = 100
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def malaysian_states() -> QuerySet[Subdivision]:
    """The Malaysian states and federal territories, by name."""
    return Subdivision.objects.filter(country_id="MY").order_by("name")


class BuyerProfileForm(forms.ModelForm[BuyerProfile]):
    """A buyer's profile; the attaché creating one also picks the buyer organisation."""

    organisation = forms.ModelChoiceField(
        label=_("Buyer organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("A Malaysian buyer organisation that has no profile yet."),
    )
    hs_code = forms.CharField(
        label=_("Find an HS code"),
        required=False,
        max_length=60,
        help_text=_("Type a product name, pick a suggestion: it is added below."),
    )
    hs_interests = forms.CharField(
        label=_("Products of interest (HS codes)"),
        required=False,
        max_length=600,
        help_text=_("Six-digit HS codes separated by commas, e.g. 090111, 200899."),
    )
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )
    confirm_ssm_change = forms.BooleanField(
        label=_(
            "Yes, change the SSM number: the trade attaché must verify the profile again."
        ),
        required=False,
    )

    class Meta:
        model = BuyerProfile
        fields: ClassVar[list[str]] = [
            "ssm_number",
            "buyer_type",
            "state",
            "address",
            "website",
            "contact_name",
            "contact_phone",
        ]
        help_texts: ClassVar[dict[str, Any]] = {
            "ssm_number": _(
                "12 digits since 2019 (e.g. 201901012345), or the older form 123456-X."
            ),
        }

    def __init__(self, *args: Any, choose_organisation: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        ssm = self.fields["ssm_number"]
        ssm.validators = []  # checked once spaces and hyphens are removed
        ssm.max_length = MAX_TYPED_SSM  # type: ignore[attr-defined]
        ssm.widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "maxlength": MAX_TYPED_SSM}
        )
        state = self.fields["state"]
        assert isinstance(state, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        state.queryset = malaysian_states()
        self.fields["hs_code"].widget.attrs.update(
            {
                "hx-get": reverse("exporters:hs_suggest"),
                "hx-trigger": "keyup changed delay:300ms",
                "hx-target": "#hs-suggestions",
                "autocomplete": "off",
                "data-hs-input": "",
                "inputmode": "search",
            }
        )
        self.fields["hs_interests"].widget.attrs["data-hs-list"] = ""
        if self.instance.pk and not self.is_bound:
            self.initial["hs_interests"] = ", ".join(self.instance.hs_interests)
        if choose_organisation:
            organisation = self.fields["organisation"]
            organisation.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
                kind="buyer", buyer_profile__isnull=True
            ).order_by("name")
        else:
            del self.fields["organisation"]
        if not self.asks_to_confirm_ssm:
            del self.fields["confirm_ssm_change"]

    @property
    def asks_to_confirm_ssm(self) -> bool:
        """Whether the profile is verified, so a new SSM number must be confirmed."""
        return bool(self.instance.pk and self.instance.is_verified)

    def clean_ssm_number(self) -> str:
        number = normalise_ssm(self.cleaned_data["ssm_number"])
        if not is_valid_ssm(number):
            raise forms.ValidationError(
                _(
                    "Enter a 12-digit SSM number (YYYYTTNNNNNN, e.g. 201901012345) "
                    "or the older 123456-X form."
                )
            )
        return number

    def clean_hs_interests(self) -> list[str]:
        typed = self.cleaned_data["hs_interests"]
        codes = [re.sub(r"\.", "", c) for c in re.split(r"[\s,;]+", typed) if c]
        bad = [c for c in codes if not re.fullmatch(r"\d{6}", c)]
        if bad:
            raise forms.ValidationError(
                _("Use six-digit HS codes: %(codes)s is not one.")
                % {"codes": ", ".join(bad[:5])}
            )
        return list(dict.fromkeys(codes))

    def _post_clean(self) -> None:
        # The action, not the model form, writes the instance (and re-pends it if needed).
        pass

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("ssm_number")
        if (
            self.asks_to_confirm_ssm
            and number
            and sends_back_to_pending(self.instance, {"ssm_number": number})
            and not data.get("confirm_ssm_change")
        ):
            self.add_error(
                "confirm_ssm_change",
                _(
                    "Changing the SSM number sends your profile back to the trade "
                    "attaché for verification. Tick the box to confirm."
                ),
            )
        return data

    def action_fields(self) -> dict[str, Any]:
        """The fields of actions_buyers.create/update_buyer_profile."""
        return {name: self.cleaned_data[name] for name in PROFILE_FORM_FIELDS}


PROFILE_FORM_FIELDS = (*BuyerProfileForm.Meta.fields, "hs_interests")


def permit_choices() -> list[tuple[str, str]]:
    """(rule id, "title — agency") of the permit rules, in the current language."""
    language = (get_language() or "id")[:2]
    return [
        (rule.id, f"{rule.title_in(language)} — {rule.agency}")
        for rule in permit_rules()
    ]


class PermitForm(forms.ModelForm[BuyerPermit]):
    """An import permit or registration the buyer holds, with an optional scan."""

    class Meta:
        model = BuyerPermit
        fields: ClassVar[list[str]] = [
            "requirement_id",
            "agency",
            "number",
            "valid_until",
            "document",
        ]
        widgets: ClassVar[dict[str, Any]] = {"valid_until": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement_id"] = forms.ChoiceField(
            label=_("Permit"),
            choices=[("", "—"), *permit_choices()],
            help_text=_("The Malaysian import permit or registration this is."),
        )
        self.fields["agency"].help_text = _("For example MAQIS, DOA or DVS.")
        document = self.fields["document"]
        document.help_text = _("PDF, JPEG or PNG, at most %(mb)s MB.") % {
            "mb": f"{max_upload_bytes() / (1024 * 1024):g}"
        }
        document.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"

    def _post_clean(self) -> None:
        pass  # the action builds and checks the permit

    def action_fields(self) -> dict[str, Any]:
        """The fields of actions_buyers.add_permit (the scan goes separately)."""
        return {
            name: self.cleaned_data.get(name)
            for name in ("requirement_id", "agency", "number", "valid_until")
        }


class PermitEditForm(forms.ModelForm[BuyerPermit]):
    """Correct a permit's number or validity, or replace its scan; a verified permit
    goes back to the trade attaché, so that is confirmed first."""

    confirm_recheck = forms.BooleanField(
        label=_("Yes, change it: the trade attaché must verify the permit again."),
        required=False,
    )

    class Meta:
        model = BuyerPermit
        fields: ClassVar[list[str]] = ["number", "valid_until", "document"]
        widgets: ClassVar[dict[str, Any]] = {"valid_until": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        document = self.fields["document"]
        document.widget = forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
        document.help_text = _(
            "A new scan replaces the old one. PDF, JPEG or PNG, at most %(mb)s MB."
        ) % {"mb": f"{max_upload_bytes() / (1024 * 1024):g}"}
        if self.instance.verification != Verification.VERIFIED:
            del self.fields["confirm_recheck"]

    def _post_clean(self) -> None:
        pass  # the action changes and checks the permit

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        changes = self.has_changed() and set(self.changed_data) - {"confirm_recheck"}
        if (
            "confirm_recheck" in self.fields
            and changes
            and not data.get("confirm_recheck")
        ):
            self.add_error(
                "confirm_recheck",
                _(
                    "Changing a verified permit sends it back to the trade attaché. "
                    "Tick the box to confirm."
                ),
            )
        return data

    def action_fields(self) -> dict[str, Any]:
        """The fields of actions_buyers.update_permit (the scan goes separately)."""
        return {name: self.cleaned_data[name] for name in ("number", "valid_until")}

    def new_scan(self) -> Any:
        """The uploaded replacement scan, or None."""
        return self.files.get("document") if "document" in self.changed_data else None


class DecisionForm(forms.Form):
    """Verify or reject a buyer or a permit; a rejection says why."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Verification.VERIFIED, _("verify")),
            (Verification.REJECTED, _("reject")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting; the buyer reads it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("decision") == Verification.REJECTED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give the reason for rejecting."))
        return data


class ConfirmForm(forms.Form):
    """A destructive action's confirmation box."""

    confirm = forms.BooleanField(label=_("Yes, remove this permit."))


class BuyerFilterForm(forms.Form):
    """Filters of the buyer directory."""

    q = forms.CharField(label=_("Search"), max_length=MAX_SEARCH, required=False)
    state = forms.ModelChoiceField(
        label=_("State"),
        queryset=Subdivision.objects.none(),
        required=False,
        empty_label=_("any"),
    )
    buyer_type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("any")), *BuyerType.choices],
        required=False,
    )
    verification = forms.ChoiceField(
        label=_("Verification"),
        choices=[("", _("any")), *Verification.choices],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        state.queryset = malaysian_states()

    def filter(self, rows: QuerySet[BuyerProfile]) -> QuerySet[BuyerProfile]:
        """`rows` narrowed by the valid filters (an invalid form filters nothing)."""
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["state"] is not None:
            rows = rows.filter(state=data["state"])
        if data["buyer_type"]:
            rows = rows.filter(buyer_type=data["buyer_type"])
        if data["verification"]:
            rows = rows.filter(verification=data["verification"])
        words = data["q"].strip()
        if words:
            rows = rows.filter(
                Q(organisation__name__icontains=words)
                | Q(ssm_number__icontains=normalise_ssm(words))
                | Q(contact_name__icontains=words)
            )
        return rows
