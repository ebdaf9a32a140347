from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import TokenScope
from api.tokens import LIFETIMES


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Say what will use it, such as 'National registry sync'."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Never more than your roles allow; choose only what the system needs."),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(days, _("%(days)s days") % {"days": days}) for days in LIFETIMES],
        initial=90,
    )
