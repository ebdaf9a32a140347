"""E-mail addresses as the portal stores and compares them."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Unicode categories that have no place in an address: controls, format characters
#: (zero-width spaces, direction overrides), unassigned and private-use code points.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"}


def normalise_email(value: str) -> str:
    """NFKC-normalised, trimmed and lower-cased; raises ValidationError on hidden characters.

    NFKC folds look-alike forms (full-width letters, ligatures) so one address cannot be
    registered twice under two spellings.
    """
    value = (value or "").strip()
    for character in value:
        if unicodedata.category(character) in _FORBIDDEN_CATEGORIES or character.isspace():
            raise ValidationError(
                _(
                    "The e-mail address contains an invisible or control character "
                    "(U+%(code)04X). Type the address again without it."
                ),
                code="invalid_character",
                params={"code": ord(character)},
            )
    return unicodedata.normalize("NFKC", value).lower()


class PortalEmailField(forms.EmailField):
    """An e-mail field that normalises like :func:`normalise_email` and explains refusals."""

    default_error_messages = {
        "invalid": _("Enter a valid e-mail address, such as name@example.org."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "error_messages",
            {
                "max_length": _(
                    "An e-mail address has at most %(limit_value)d characters "
                    "(this one has %(show_value)d)."
                )
            },
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_email(value) if value else value
