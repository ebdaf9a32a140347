"""Views of the catalogues the secretariat keeps (COP areas, regional initiatives, partner
organisations) and of a regional initiative's page, where the region's officers link the
member states taking part and the celebrations held under it.

The catalogues are read by every staff member, so a staff member who may not keep them gets
403 (as on the COP module catalogue); an initiative outside an officer's region is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from copgirls.forms import apply_errors
from copgirls.i18n import localized
from copgirls.names import region_name
from copgirls.permissions import in_scope, secretariat_required, staff_required
from policies import services
from policies.forms import (
    CopAreaForm,
    InitiativeLinksForm,
    PartnerOrganisationForm,
    RegionalInitiativeForm,
)
from policies.models import CopArea, PartnerOrganisation, RegionalInitiative
from policies.permissions import can_link_initiative, initiatives_in_charge_of
from policies.selectors import catalogue as selectors


@secretariat_required
@require_safe
def catalogues(request):
    return render(
        request,
        "policies/catalogues.html",
        {
            "areas": selectors.cop_area_catalogue(),
            "initiatives": selectors.regional_initiative_catalogue(),
            "partners": selectors.partner_catalogue(),
        },
    )


def _entry_form_page(request, *, form: forms.Form, entry, kind: str):
    titles = {
        "area": (_("Add a COP area"), _("Edit the COP area %(code)s")),
        "initiative": (_("Add a regional initiative"), _("Edit the regional initiative %(code)s")),
        "partner": (_("Add a partner organisation"), _("Edit the partner organisation %(code)s")),
    }
    new, edit = titles[kind]
    return render(
        request,
        "policies/catalogue_form.html",
        {
            "form": form,
            "entry": entry,
            "title": edit % {"code": entry.code} if entry is not None else new,
        },
    )


def _keep(request, *, form_class, entry, create, update, kind: str, saved: str):
    form = form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                entry = create(actor=request.user, data=form.cleaned_data)
            else:
                entry = update(request.user, entry, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, saved % {"code": entry.code})
            return redirect("policies:catalogues")
    return _entry_form_page(request, form=form, entry=entry, kind=kind)


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def area_create(request):
    return _keep(
        request,
        form_class=CopAreaForm,
        entry=None,
        create=services.cop_area_create,
        update=None,
        kind="area",
        saved=_("The COP area %(code)s is added to the catalogue."),
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def area_edit(request, code: str):
    return _keep(
        request,
        form_class=CopAreaForm,
        entry=in_scope(CopArea.objects.all(), code=code.upper()),
        create=None,
        update=lambda actor, entry, data: services.cop_area_update(
            actor=actor, area=entry, data=data
        ),
        kind="area",
        saved=_("The COP area %(code)s is saved."),
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_create(request):
    return _keep(
        request,
        form_class=RegionalInitiativeForm,
        entry=None,
        create=services.regional_initiative_create,
        update=None,
        kind="initiative",
        saved=_("The regional initiative %(code)s is added to the catalogue."),
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_edit(request, code: str):
    return _keep(
        request,
        form_class=RegionalInitiativeForm,
        entry=in_scope(RegionalInitiative.objects.all(), code=code.upper()),
        create=None,
        update=lambda actor, entry, data: services.regional_initiative_update(
            actor=actor, initiative=entry, data=data
        ),
        kind="initiative",
        saved=_("The regional initiative %(code)s is saved."),
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def partner_create(request):
    return _keep(
        request,
        form_class=PartnerOrganisationForm,
        entry=None,
        create=services.partner_create,
        update=None,
        kind="partner",
        saved=_("The partner organisation %(code)s is added to the list."),
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def partner_edit(request, code: str):
    return _keep(
        request,
        form_class=PartnerOrganisationForm,
        entry=in_scope(PartnerOrganisation.objects.all(), code=code.upper()),
        create=None,
        update=lambda actor, entry, data: services.partner_update(
            actor=actor, partner=entry, data=data
        ),
        kind="partner",
        saved=_("The partner organisation %(code)s is saved."),
    )


# --- A regional initiative's page -----------------------------------------------------------


@staff_required
@require_safe
def initiative_detail(request, code: str):
    initiative = in_scope(initiatives_in_charge_of(request.user), code=code.upper())
    return render(
        request,
        "policies/initiative.html",
        {
            "initiative": initiative,
            "title": f"{initiative.code} {localized(initiative, 'title')}",
            "region_name": region_name(initiative.region.name),
            "links": selectors.initiative_links(initiative),
            "may_link": can_link_initiative(request.user, initiative),
        },
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_links_edit(request, code: str):
    initiative = in_scope(initiatives_in_charge_of(request.user), code=code.upper())
    form = InitiativeLinksForm(
        request.POST if request.method == "POST" else None,  # unchecking all is a choice
        initiative=initiative,
        member_states=selectors.linkable_member_states(initiative),
        celebrations=selectors.linkable_celebrations(initiative),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.regional_initiative_links_set(
                actor=request.user,
                initiative=initiative,
                member_states=form.cleaned_data["member_states"],
                celebrations=form.cleaned_data["celebrations"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The member states and celebrations of %(code)s are saved.")
                % {"code": initiative.code},
            )
            return redirect("policies:initiative", code=initiative.code)
    return render(
        request,
        "policies/initiative_links.html",
        {
            "initiative": initiative,
            "title": f"{initiative.code} {localized(initiative, 'title')}",
            "region_name": region_name(initiative.region.name),
            "form": form,
        },
    )
