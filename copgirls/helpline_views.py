"""The child helplines' pages (issue 19): ``/helplines/`` (the states in one's scope),
``/helplines/<iso2>/`` (a state's helpline) and ``/helplines/default/`` (the secretariat's).

Who: a coordinator keeps her own state's (another state's is a 404, as everything out of
scope); a regional officer reads her region's on the list, and a state's own page is hers
to read, not to change (403); the secretariat keeps every state's and the default; a
facilitator is shown the helpline on the girls' pages and has no page here (403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from copgirls.helplines import (
    ChildHelplineForm,
    child_helpline_default,
    child_helpline_save,
    member_states_with_helplines,
)
from copgirls.models import ChildHelpline
from copgirls.permissions import (
    in_scope,
    member_states_visible_to,
    require,
    roles_of,
    secretariat_required,
    staff_required,
)


@staff_required
@require_safe
def helpline_list(request):
    require("copgirls.view_child_helplines", request.user)
    roles = roles_of(request.user)
    return render(
        request,
        "copgirls/helplines/list.html",
        {
            "states": member_states_with_helplines(request.user),
            "default": child_helpline_default(),
            "may_edit_all": roles.secretariat,
            "own_states": roles.member_states,
        },
    )


def _edit(request, *, member_state, helpline: ChildHelpline | None, template_context: dict):
    form = ChildHelplineForm(
        request.POST or None, instance=helpline or ChildHelpline(member_state=member_state)
    )
    if request.method == "POST" and form.is_valid():
        try:
            child_helpline_save(
                actor=request.user, member_state=member_state, data=form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The helpline is saved: the girls' pages show it now."))
            return redirect("copgirls:helplines")
    return render(
        request, "copgirls/helplines/edit.html", {"form": form, **template_context}, status=200
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def helpline_edit(request, iso2: str):
    state = in_scope(member_states_visible_to(request.user), iso2=iso2.upper())
    require("copgirls.edit_child_helpline", request.user, state)
    helpline = ChildHelpline.objects.filter(member_state=state).first()
    return _edit(
        request,
        member_state=state,
        helpline=helpline,
        template_context={"state": state, "default": child_helpline_default()},
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def helpline_default_edit(request):
    return _edit(request, member_state=None, helpline=child_helpline_default(), template_context={})
