"""Views of resolve 1: a state's checklist, instruments and roadmap, the review, the
region's and the world's matrices, cycles, RDF discussions, and the public pages.

Objects are fetched through the user's scope (``*_visible_to`` + ``in_scope``): out of
scope is a 404; in scope but not allowed is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copgirls import tables, worldmap
from copgirls.forms import apply_errors
from copgirls.i18n import localized
from copgirls.models import MemberState
from copgirls.names import member_state_name, name_of, region_name
from copgirls.permissions import (
    in_scope,
    regions_visible_to,
    roles_of,
    secretariat_required,
    staff_required,
)
from policies import importing, selectors, services
from policies.forms import (
    AreaChoiceForm,
    AreaStatusForm,
    CycleForm,
    InstrumentForm,
    PolicyImportForm,
    RdfDiscussionForm,
    ReviewForm,
    RoadmapForm,
)
from policies.models import CopArea, Cycle, Level
from policies.permissions import (
    can_keep_policies,
    can_record_rdf,
    can_review_assessment,
    instruments_visible_to,
    policy_states_visible_to,
    rdf_discussions_visible_to,
)
from policies.selectors import catalogue as catalogue_selectors

#: Colours of the maturity levels on the map (light to dark; the dark ones pass 3:1).
LEVEL_COLOURS = ("#fde0c5", "#facba6", "#f59e72", "#c8553d", "#8c2d1f", "#4a1410")


def _state(request, iso2: str) -> MemberState:
    state = in_scope(policy_states_visible_to(request.user), iso2=iso2.upper())
    return state


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _open_cycle_or_404() -> Cycle:
    cycle = services.open_cycle()
    if cycle is None:
        raise Http404(_("No reporting cycle is open."))
    return cycle


# --- Overview and a state's checklist -------------------------------------------------------


@staff_required
@require_safe
def overview(request):
    roles = roles_of(request.user)
    if not (roles.secretariat or roles.regions or roles.member_states):
        raise PermissionDenied
    cycle = selectors.current_cycle()
    states = list(policy_states_visible_to(request.user).order_by("name"))
    statuses = selectors.assessment_statuses(cycle, [state.pk for state in states])
    return render(
        request,
        "policies/overview.html",
        {
            "cycle": cycle,
            "states": [
                {"state": state, "name": name_of(state), "status": statuses.get(state.pk)}
                for state in states
            ],
            "reviews": selectors.reviews_waiting(
                region_ids=None if roles.secretariat else list(roles.regions)
            )
            if roles.secretariat or roles.regions
            else [],
            "regions": regions_visible_to(request.user).order_by("name"),
            "is_secretariat": roles.secretariat,
        },
    )


@staff_required
@require_safe
def state_checklist(request, iso2: str):
    state = _state(request, iso2)
    cycle = selectors.current_cycle()
    checklist = selectors.state_checklist(state, cycle)
    assessment = checklist.assessment
    may_keep = can_keep_policies(request.user, state)
    return render(
        request,
        "policies/state.html",
        {
            "member_state": state,
            "state_name": name_of(state),
            "checklist": checklist,
            "instruments": selectors.instruments_of(state),
            "may_keep": may_keep,
            "may_edit": may_keep
            and cycle is not None
            and cycle.is_open
            and (assessment is None or assessment.is_editable),
            "may_review": can_review_assessment(request.user, state)
            and assessment is not None
            and assessment.status == "submitted"
            and cycle.is_open,
            "levels": selectors.level_choices(),
        },
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def area_status_edit(request, iso2: str, code: str):
    state = _state(request, iso2)
    _require(can_keep_policies(request.user, state))
    area = in_scope(CopArea.objects.filter(is_retired=False), code=code.upper())
    cycle = _open_cycle_or_404()
    checklist = selectors.state_checklist(state, cycle)
    row = next(row for row in checklist.rows if row.area.pk == area.pk)
    instruments = selectors.instruments_of(state)
    initial = {}
    if row.status is not None:
        initial = {
            "level": row.status.level,
            "instruments": [i.pk for i in row.status.instruments.all()],
            "note": row.status.note,
        }
    form = AreaStatusForm(request.POST or None, initial=initial, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.self_assessment_start(
                actor=request.user, member_state=state, cycle=cycle
            )
            services.area_status_set(
                actor=request.user,
                assessment=assessment,
                area=area,
                level=form.cleaned_data["level"],
                instruments=form.cleaned_data["instruments"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(area)s is saved.") % {"area": f"{area.code} {localized(area, 'title')}"},
            )
            return redirect("policies:state", iso2=state.iso2)
    return render(
        request,
        "policies/area_status_form.html",
        {
            "member_state": state,
            "state_name": name_of(state),
            "area": area,
            "row": row,
            "cycle": cycle,
            "form": form,
        },
    )


@staff_required
@require_POST
def assessment_submit(request, iso2: str):
    state = _state(request, iso2)
    _require(can_keep_policies(request.user, state))
    cycle = _open_cycle_or_404()
    try:
        assessment = services.self_assessment_start(
            actor=request.user, member_state=state, cycle=cycle
        )
        services.self_assessment_submit(actor=request.user, assessment=assessment)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("The self-assessment of %(cycle)s is submitted to your regional officer.")
            % {"cycle": cycle},
        )
    return redirect("policies:state", iso2=state.iso2)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def assessment_review(request, iso2: str):
    state = _state(request, iso2)
    _require(can_review_assessment(request.user, state))
    cycle = _open_cycle_or_404()
    checklist = selectors.state_checklist(state, cycle)
    if checklist.assessment is None:
        raise Http404(_("This member state has not started its self-assessment."))
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.self_assessment_review(
                actor=request.user,
                assessment=checklist.assessment,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if accept:
                messages.success(request, _("The self-assessment is accepted."))
            else:
                messages.success(request, _("The self-assessment is returned to the coordinator."))
            return redirect("policies:state", iso2=state.iso2)
    return render(
        request,
        "policies/review.html",
        {"member_state": state, "state_name": name_of(state), "checklist": checklist, "form": form},
    )


# --- Instruments ----------------------------------------------------------------------------


def _instrument_form_page(request, *, state, form, instrument=None):
    return render(
        request,
        "policies/instrument_form.html",
        {
            "member_state": state,
            "state_name": name_of(state),
            "form": form,
            "instrument": instrument,
        },
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def instrument_create(request, iso2: str):
    state = _state(request, iso2)
    _require(can_keep_policies(request.user, state))
    form = InstrumentForm(request.POST or None, member_state=state)
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_create(
                actor=request.user, member_state=state, data=form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The instrument is saved."))
            return redirect("policies:state", iso2=state.iso2)
    return _instrument_form_page(request, state=state, form=form)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def instrument_edit(request, pk: int):
    instrument = in_scope(instruments_visible_to(request.user), pk=pk)
    state = instrument.member_state
    _require(can_keep_policies(request.user, state))
    form = InstrumentForm(request.POST or None, instance=instrument, member_state=state)
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_update(
                actor=request.user, instrument=instrument, data=form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The instrument is saved."))
            return redirect("policies:state", iso2=state.iso2)
    return _instrument_form_page(request, state=state, form=form, instrument=instrument)


@staff_required
@require_POST
def instrument_delete(request, pk: int):
    instrument = in_scope(instruments_visible_to(request.user), pk=pk)
    state = instrument.member_state
    _require(can_keep_policies(request.user, state))
    try:
        services.instrument_delete(actor=request.user, instrument=instrument)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The instrument is deleted."))
    return redirect("policies:state", iso2=state.iso2)


# --- Roadmap --------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def roadmap_edit(request, iso2: str):
    state = _state(request, iso2)
    _require(can_keep_policies(request.user, state))
    checklist = selectors.state_checklist(state, selectors.current_cycle())
    cycles = list(selectors.cycles())
    targets = {row.area.pk: row.target for row in checklist.rows if row.target}
    form = RoadmapForm(
        request.POST or None,
        areas=[row.area for row in checklist.rows],
        cycles=cycles,
        targets=targets,
    )
    if request.method == "POST" and form.is_valid():
        by_pk = {cycle.pk: cycle for cycle in cycles}
        try:
            services.roadmap_set(
                actor=request.user,
                member_state=state,
                targets=[
                    (
                        area,
                        form.cleaned_data[f"level_{area.pk}"],
                        by_pk.get(form.cleaned_data[f"cycle_{area.pk}"]),
                    )
                    for area in form.areas
                ],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The roadmap is saved."))
            return redirect("policies:state", iso2=state.iso2)
    return render(
        request,
        "policies/roadmap_form.html",
        {"member_state": state, "state_name": name_of(state), "form": form},
    )


# --- Region and world -----------------------------------------------------------------------


@staff_required
@require_safe
def region_matrix(request, code: str):
    region = in_scope(regions_visible_to(request.user), code=code.upper())
    cycle = selectors.current_cycle()
    return render(
        request,
        "policies/region.html",
        {
            "matrix": selectors.region_matrix(region, cycle),
            "region_name": region_name(region.name),
            "may_record_rdf": can_record_rdf(request.user, region),
            "initiatives": catalogue_selectors.regional_initiative_catalogue([region.pk]),
            "levels": selectors.level_choices(),
        },
    )


@secretariat_required
@require_safe
def world_matrix(request):
    return render(
        request,
        "policies/world.html",
        {"world": selectors.world_by_region(selectors.current_cycle())},
    )


# --- Cycles ---------------------------------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def cycle_list(request):
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_open(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The cycle %(cycle)s is open.") % {"cycle": cycle})
            return redirect("policies:cycles")
    return render(
        request,
        "policies/cycles.html",
        {"cycles": selectors.cycles_with_counts(), "form": form},
    )


@secretariat_required
@require_POST
def cycle_close(request, code: str):
    cycle = in_scope(Cycle.objects.all(), code=code)
    services.cycle_close(actor=request.user, cycle=cycle)
    messages.success(
        request,
        _("The cycle %(cycle)s is closed: its self-assessments are frozen.") % {"cycle": cycle},
    )
    return redirect("policies:cycles")


# --- RDF discussions ------------------------------------------------------------------------


@staff_required
@require_safe
def rdf_list(request):
    roles = roles_of(request.user)
    if not (roles.secretariat or roles.regions):
        raise PermissionDenied
    return render(
        request,
        "policies/rdf_list.html",
        {
            "discussions": rdf_discussions_visible_to(request.user).prefetch_related(
                "member_states"
            ),
            "regions": regions_visible_to(request.user).order_by("name"),
            "is_secretariat": roles.secretariat,
        },
    )


def _rdf_form_page(request, *, region, form, discussion=None):
    return render(
        request,
        "policies/rdf_form.html",
        {
            "region": region,
            "region_name": region_name(region.name),
            "form": form,
            "discussion": discussion,
        },
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def rdf_create(request, code: str):
    region = in_scope(regions_visible_to(request.user), code=code.upper())
    _require(can_record_rdf(request.user, region))
    form = RdfDiscussionForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            services.rdf_discussion_record(
                actor=request.user, region=region, data=form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The discussion is recorded; the secretariat validates it.")
            )
            return redirect("policies:rdf_list")
    return _rdf_form_page(request, region=region, form=form)


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def rdf_edit(request, pk: int):
    discussion = in_scope(rdf_discussions_visible_to(request.user), pk=pk)
    region = discussion.region
    _require(can_record_rdf(request.user, region))
    form = RdfDiscussionForm(request.POST or None, instance=discussion, region=region)
    if request.method == "POST" and form.is_valid():
        try:
            services.rdf_discussion_record(
                actor=request.user, region=region, data=form.cleaned_data, discussion=discussion
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The discussion is saved."))
            return redirect("policies:rdf_list")
    return _rdf_form_page(request, region=region, form=form, discussion=discussion)


@secretariat_required
@require_POST
def rdf_validate(request, pk: int):
    discussion = in_scope(rdf_discussions_visible_to(request.user), pk=pk)
    services.rdf_discussion_validate(actor=request.user, discussion=discussion)
    messages.success(request, _("The discussion is validated and now public."))
    return redirect("policies:rdf_list")


# --- Import and export (secretariat) ------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def policy_import(request):
    form = PolicyImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = importing.policy_import(
            actor=request.user, upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"]
        )
        if outcome.ok:
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s updated.")
                % {"created": outcome.created, "updated": outcome.updated},
            )
            return redirect("policies:import")
    return render(
        request,
        "policies/import.html",
        {
            "form": form,
            "outcome": outcome,
            "instrument_columns": importing.INSTRUMENT_COLUMNS,
            "status_columns": importing.STATUS_COLUMNS,
        },
    )


@secretariat_required
@require_safe
def policy_export(request, kind: str, fmt: str):
    if kind == "instruments":
        header, records = list(importing.INSTRUMENT_COLUMNS), importing.instrument_rows()
    else:
        header, records = list(importing.STATUS_COLUMNS), importing.status_rows()
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(
            tables.csv_stream(header, records), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            tables.xlsx_bytes(header, records, sheet=kind), content_type=tables.XLSX_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="cop-{kind}-{stamp}.{fmt}"'
    return response


# --- Public pages ---------------------------------------------------------------------------


@require_safe
def public_map(request):
    catalogue = selectors.areas()
    cycles = selectors.public_cycles()
    form = AreaChoiceForm(request.GET or None, areas=catalogue, cycles=cycles)
    chosen_area = request.GET.get("area") or selectors.STRATEGY_AREA_CODE
    area = next(
        (a for a in catalogue if a.code == chosen_area), catalogue[0] if catalogue else None
    )
    cycle = next(
        (c for c in cycles if c.code == request.GET.get("cycle")), cycles[0] if cycles else None
    )
    form.initial = {"area": area.code if area else "", "cycle": cycle.code if cycle else ""}
    rows = selectors.public_levels(area, cycle) if area and cycle else []
    svg = None
    title = ""
    if area is not None:
        area_title = f"{area.code} {localized(area, 'title')}"
        title = _("COP policy maturity by member state: %(area)s") % {"area": area_title}
        if cycle is not None:
            title = _("COP policy maturity by member state: %(area)s, %(cycle)s") % {
                "area": area_title,
                "cycle": cycle,
            }
        fills, labels = {}, {}
        for row in rows:
            iso3 = row["member_state"].iso3
            level = row["level"]
            fills[iso3] = LEVEL_COLOURS[level] if level is not None else worldmap.NO_DATA
            labels[iso3] = f"{row['name']}: {row['level_label'] or _('not reported')}"
        if not rows:
            labels = {
                iso3: member_state_name(iso2, name)
                for iso3, iso2, name in MemberState.objects.values_list("iso3", "iso2", "name")
            }
        svg = worldmap.render(fills, labels, title=title)
    legend = [{"label": _("not reported"), "colour": worldmap.NO_DATA}] + [
        {"label": level.label, "colour": LEVEL_COLOURS[level]} for level in Level
    ]
    return render(
        request,
        "policies/public_map.html",
        {
            "form": form,
            "area": area,
            "cycle": cycle,
            "rows": [row for row in rows if row["level"] is not None],
            "svg": svg,
            "title": title,
            "legend": legend,
        },
    )


@require_safe
def public_state(request, iso2: str):
    state = in_scope(MemberState.objects.select_related("region"), iso2=iso2.upper())
    return render(
        request,
        "policies/public_state.html",
        {
            "member_state": state,
            "state_name": name_of(state),
            "policy": selectors.public_state_policy(state),
            "levels": selectors.level_choices(),
        },
    )


@require_safe
def public_rdf(request):
    return render(
        request,
        "policies/public_rdf.html",
        {"discussions": selectors.public_rdf_discussions()},
    )
