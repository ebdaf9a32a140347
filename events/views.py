"""Views of celebrations, COP sessions, the module catalogue, dashboards and public pages.

Objects are fetched through the user's scope (``*_visible_to`` + ``in_scope``): out of
scope is a 404; in scope but not allowed is a 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from copgirls.models import MemberState
from copgirls.names import member_state_name, name_of, region_name
from copgirls.permissions import (
    can_manage_catalogue,
    in_scope,
    member_states_visible_to,
    regions_visible_to,
    require,
    roles_of,
    secretariat_required,
    staff_required,
)
from events import exporting, selectors, services, worldmap
from events.columns import EXPORT_ONLY_COLUMNS, IMPORT_COLUMNS
from events.forms import (
    CopModuleForm,
    CopSessionForm,
    EventFilterForm,
    EventForm,
    ImportForm,
    PublicFilterForm,
    apply_errors,
)
from events.models import CopModule
from events.permissions import (
    can_edit_event,
    can_log_cop_session,
    can_register_events,
    can_view_dashboard,
    cop_sessions_visible_to,
    events_visible_to,
)

PAGE_SIZE = 25


def _registerable_states(user):
    roles = roles_of(user)
    states = MemberState.objects.select_related("region").order_by("name")
    return states if roles.secretariat else states.filter(pk__in=roles.member_states)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Celebrations (staff) -------------------------------------------------------------------


@staff_required
@require_safe
def event_list(request):
    form = EventFilterForm(request.GET or None)
    events = selectors.event_list(user=request.user, filters=form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/event_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_register": roles_of(request.user).secretariat
            or bool(roles_of(request.user).member_states),
        },
    )


@staff_required
@require_safe
def event_export(request, fmt: str):
    form = EventFilterForm(request.GET or None)
    events = selectors.event_list(user=request.user, filters=form.filters())
    records = (
        exporting.export_record(row)
        for row in selectors.export_rows(events).iterator(chunk_size=2000)
    )
    header = list(exporting.EXPORT_NAMES)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporting.csv_stream(header, records), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exporting.xlsx_bytes(header, records, sheet="celebrations"),
            content_type=exporting.XLSX_CONTENT_TYPE,
        )
    response["Content-Disposition"] = f'attachment; filename="celebrations-{stamp}.{fmt}"'
    return response


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_create(request):
    states = _registerable_states(request.user)
    if not roles_of(request.user).secretariat and not roles_of(request.user).member_states:
        raise PermissionDenied
    if request.method == "POST":
        code = request.POST.get("member_state", "")
        if code and not states.filter(iso2=code).exists():
            raise Http404  # another member state's celebrations are not hers to register
        form = EventForm(request.POST, member_states=states)
        if form.is_valid():
            data = form.cleaned_data
            require(can_register_events, request.user, data["member_state"])
            try:
                event = services.event_create(
                    actor=request.user, member_state=data["member_state"], data=data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The celebration is registered as a draft."))
                return redirect("events:detail", pk=event.pk)
    else:
        initial = {}
        if request.GET.get("member_state"):
            initial["member_state"] = request.GET["member_state"]
        form = EventForm(member_states=states, initial=initial)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@staff_required
@require_safe
def event_detail(request, pk: int):
    event = in_scope(events_visible_to(request.user), pk=pk)
    sessions = list(selectors.event_sessions(event))
    can_log = can_log_cop_session(request.user, event)
    # Just after a session is logged (``?logged=<its id>``), its next step is the page's main
    # action: open its pre questionnaire — two taps from the form on a phone.
    logged = request.GET.get("logged", "")
    just_logged = next((s for s in sessions if str(s.pk) == logged), None) if can_log else None
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "sessions": sessions,
            "can_edit": can_edit_event(request.user, event),
            "can_log": can_log,
            "just_logged": just_logged,
        },
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_edit(request, pk: int):
    event = in_scope(events_visible_to(request.user), pk=pk)
    require(can_edit_event, request.user, event)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The celebration is saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


def _transition(request, pk: int, service, done: str):
    event = in_scope(events_visible_to(request.user), pk=pk)
    require(can_edit_event, request.user, event)
    try:
        service(actor=request.user, event=event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("events:detail", pk=event.pk)


@staff_required
@require_POST
def event_publish(request, pk: int):
    return _transition(
        request, pk, services.event_publish, _("The celebration is published on the public pages.")
    )


@staff_required
@require_POST
def event_complete(request, pk: int):
    return _transition(request, pk, services.event_complete, _("The celebration is completed."))


# --- Import ------------------------------------------------------------------------------------


def _require_registration_rights(user) -> None:
    roles = roles_of(user)
    if not (roles.secretariat or roles.member_states):
        raise PermissionDenied


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_import(request):
    _require_registration_rights(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = services.events_import(actor=request.user, upload=form.cleaned_data["file"])
        if outcome.ok:
            messages.success(request, services.import_summary(outcome))
            return redirect("events:list")
        status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "events/event_import.html",
        {
            "form": form,
            "outcome": outcome,
            "columns": IMPORT_COLUMNS,
            "export_only": EXPORT_ONLY_COLUMNS,
            "max_rows": settings.EVENTS_IMPORT_MAX_ROWS,
            "max_megabytes": round(settings.EVENTS_IMPORT_MAX_BYTES / 1024 / 1024, 1),
        },
        status=status,
    )


@staff_required
@require_safe
def import_template(request, fmt: str):
    _require_registration_rights(request.user)
    states = list(_registerable_states(request.user))
    if fmt == "csv":
        header, rows = exporting.template_rows(states)
        response = HttpResponse(
            "".join(exporting.csv_stream(header, rows)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exporting.template_xlsx(states), content_type=exporting.XLSX_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="celebrations-template.{fmt}"'
    return response


# --- COP sessions ----------------------------------------------------------------------------


def _save_session(request, form, *, event, session=None):
    """Validate and save; a warning about attendance asks for confirmation first."""
    if not form.is_valid():
        return None, ""
    attendance = form.attendance()
    confirm = form.cleaned_data.get("confirm_over_attendance", False)
    try:
        if session is None:
            saved = services.cop_session_log(
                actor=request.user,
                event=event,
                data=form.cleaned_data,
                attendance=attendance,
                confirm_over_attendance=confirm,
            )
        else:
            saved = services.cop_session_update(
                actor=request.user,
                session=session,
                data=form.cleaned_data,
                attendance=attendance,
                confirm_over_attendance=confirm,
            )
    except ValidationError as error:
        if getattr(error, "code", None) == "over_attendance":
            return None, error.messages[0]
        apply_errors(form, error)
        return None, ""
    return saved, ""


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request, pk: int):
    event = in_scope(events_visible_to(request.user), pk=pk)
    require(can_log_cop_session, request.user, event)
    form = CopSessionForm(request.POST or None, event=event, language=get_language() or "en")
    warning = ""
    if request.method == "POST":
        saved, warning = _save_session(request, form, event=event)
        if saved:
            messages.success(request, _("The COP session is logged."))
            detail = reverse("events:detail", kwargs={"pk": event.pk})
            return redirect(f"{detail}?logged={saved.pk}")
    return render(
        request,
        "events/session_form.html",
        {"form": form, "event": event, "session": None, "warning": warning},
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request, pk: int):
    session = in_scope(cop_sessions_visible_to(request.user), pk=pk)
    event = session.event
    require(can_log_cop_session, request.user, event)
    form = CopSessionForm(
        request.POST or None,
        instance=session,
        event=event,
        attendance=selectors.session_attendance(session),
    )
    warning = ""
    if request.method == "POST":
        saved, warning = _save_session(request, form, event=event, session=session)
        if saved:
            messages.success(request, _("The COP session is saved."))
            return redirect("events:detail", pk=event.pk)
    return render(
        request,
        "events/session_form.html",
        {"form": form, "event": event, "session": session, "warning": warning},
    )


# --- The COP module catalogue ---------------------------------------------------------------


@staff_required
@require_safe
def module_list(request):
    return render(
        request,
        "events/module_list.html",
        {
            "modules": selectors.module_catalogue(),
            "can_manage": can_manage_catalogue(request.user),
        },
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def module_create(request):
    form = CopModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cop_module_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The module is added to the catalogue."))
            return redirect("events:modules")
    return render(request, "events/module_form.html", {"form": form, "module": None})


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def module_edit(request, pk: int):
    module = in_scope(CopModule.objects.all(), pk=pk)
    form = CopModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        try:
            services.cop_module_update(actor=request.user, module=module, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The module is saved."))
            return redirect("events:modules")
    return render(request, "events/module_form.html", {"form": form, "module": module})


@secretariat_required
@require_POST
def module_retire(request, pk: int):
    module = in_scope(CopModule.objects.all(), pk=pk)
    retire = request.POST.get("retire", "1") == "1"
    services.cop_module_set_retired(actor=request.user, module=module, retired=retire)
    if retire:
        messages.success(request, _("%(module)s is retired.") % {"module": module})
    else:
        messages.success(request, _("%(module)s is available again.") % {"module": module})
    return redirect("events:modules")


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def module_delete(request, pk: int):
    module = in_scope(CopModule.objects.all(), pk=pk)
    in_use = services.cop_module_in_use(module)
    if request.method == "POST":
        try:
            services.cop_module_delete(actor=request.user, module=module)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The module is deleted."))
        return redirect("events:modules")
    return render(request, "events/module_delete.html", {"module": module, "in_use": in_use})


# --- Dashboards -------------------------------------------------------------------------------


@staff_required
@require_safe
def dashboard(request):
    """Send each user to the dashboard of her scope."""
    roles = roles_of(request.user)
    if roles.secretariat:
        return redirect("events:world_dashboard")
    if roles.regions:
        region = regions_visible_to(request.user).order_by("name").first()
        return redirect("events:region_dashboard", code=region.code)
    if roles.member_states:
        state = _registerable_states(request.user).first()
        return redirect("events:state_dashboard", iso2=state.iso2)
    return redirect("events:list")


@staff_required
@require_safe
def state_dashboard(request, iso2: str):
    state = in_scope(member_states_visible_to(request.user), iso2=iso2.upper())
    if not can_view_dashboard(request.user, member_state=state):
        raise PermissionDenied
    return render(
        request,
        "events/dashboard.html",
        {
            "dashboard": selectors.state_dashboard(state),
            "scope_name": name_of(state),
            "member_state": state,
            "breakdown_label": "",
        },
    )


@staff_required
@require_safe
def region_dashboard(request, code: str):
    region = in_scope(regions_visible_to(request.user), code=code.upper())
    if not can_view_dashboard(request.user, region=region):
        raise PermissionDenied
    return render(
        request,
        "events/dashboard.html",
        {
            "dashboard": selectors.region_dashboard(region),
            "scope_name": region_name(region.name),
            "region": region,
            "breakdown_label": _("Member state"),
            "breakdown_link": "events:state_dashboard",
        },
    )


@secretariat_required
@require_safe
def world_dashboard(request):
    return render(
        request,
        "events/dashboard.html",
        {
            "dashboard": selectors.world_dashboard(),
            "scope_name": _("the world"),
            "breakdown_label": _("Region"),
            "breakdown_link": "events:region_dashboard",
        },
    )


# --- Public pages ----------------------------------------------------------------------------


@require_safe
def public_list(request):
    years = selectors.public_years()
    form = PublicFilterForm(request.GET or None, years=years)
    events = selectors.public_events(form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/public_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@require_safe
def public_member_state(request, iso2: str):
    state = in_scope(MemberState.objects.select_related("region"), iso2=iso2.upper())
    events = selectors.public_events({"member_state": state})
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/public_member_state.html",
        {
            "member_state": state,
            "figures": selectors.public_state_figures(state),
            "page": page,
        },
    )


@require_safe
def world_map(request):
    years = selectors.public_years()
    form = PublicFilterForm(request.GET or None, years=years)
    filters = {"year": form.filters().get("year")}
    rows, totals = selectors.public_by_member_state(filters)
    names = {
        iso3: member_state_name(iso2, name)
        for iso3, iso2, name in MemberState.objects.values_list("iso3", "iso2", "name")
    }
    title = _("Girls in ICT celebrations by member state")
    if filters["year"]:
        title = _("Girls in ICT celebrations by member state in %(year)s") % {
            "year": filters["year"]
        }
    svg = worldmap.render({row.iso3: row.celebrations for row in rows}, names, title=title)
    return render(
        request,
        "events/world_map.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "svg": svg,
            "legend": worldmap.legend(),
            "title": title,
            "list_url": reverse("events:public_list"),
        },
    )
