"""The one mechanism that answers "may this user do this to this object?".

Two kinds of answer:

* *scope* — querysets of what a user may see at all (``visible_to(user, "events.Event")``).
  Views fetch objects through them, so an object outside the scope is a **404**
  (:func:`in_scope`);
* *predicates* — ``can_<verb>_<thing>(user, obj)`` for an object inside the scope;
  ``False`` is a **403** (:func:`require`).

The core holds the roles and their scopes (who holds which role over which region, member
state or celebration), the member-state and region scopes, its own predicates and the view
decorators. Each app declares the scopes of its models and its predicates in
``<app>/permissions.py`` and registers them here from its ``AppConfig.ready()``, the way an
app registers admin classes or system checks; the core reaches them by name only
(:func:`visible_to`, :func:`allows`) and never imports an app. The system check
:func:`check_scopes` fails for a model of the portal's own apps that has no scope, so a new
model cannot be added without deciding who sees it.

Roles are read from :class:`~copgirls.models.RoleAssignment` once per request (cached on
the user object), so a revoked role stops working on the user's very next request.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from copgirls.models import ChildHelpline, MemberState, Region, Role, RoleAssignment


@dataclass(frozen=True)
class Roles:
    """What a user may act on, by role. Empty for anonymous users and participants."""

    secretariat: bool = False
    regions: frozenset[int] = field(default_factory=frozenset)
    member_states: frozenset[int] = field(default_factory=frozenset)
    events: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.secretariat or self.regions or self.member_states or self.events)

    @property
    def needs_mfa(self) -> bool:
        """Secretariat, regional officers and coordinators must use two-factor sign-in."""
        return bool(self.secretariat or self.regions or self.member_states)


_CACHE_ATTRIBUTE = "_copgirls_roles"


def roles_of(user) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    regions, states, events, secretariat = set(), set(), set(), False
    for role, region_id, state_id, event_id in (
        RoleAssignment.objects.active()
        .filter(user=user)
        .values_list("role", "region_id", "member_state_id", "event_id")
    ):
        if role == Role.SECRETARIAT:
            secretariat = True
        elif role == Role.REGIONAL_OFFICER:
            regions.add(region_id)
        elif role == Role.COORDINATOR:
            states.add(state_id)
        elif role == Role.FACILITATOR:
            events.add(event_id)
    roles = Roles(secretariat, frozenset(regions), frozenset(states), frozenset(events))
    setattr(user, _CACHE_ATTRIBUTE, roles)
    return roles


def forget_roles(user) -> None:
    """Drop the per-request cache (after a role is granted or revoked in this request)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


# --- Scope: what a user may see ------------------------------------------------------


def member_states_visible_to(user) -> QuerySet[MemberState]:
    roles = roles_of(user)
    states = MemberState.objects.select_related("region")
    if roles.secretariat:
        return states
    return states.filter(
        Q(region_id__in=roles.regions)
        | Q(pk__in=roles.member_states)
        | Q(events__pk__in=roles.events)
    ).distinct()


def regions_visible_to(user) -> QuerySet[Region]:
    roles = roles_of(user)
    if roles.secretariat:
        return Region.objects.all()
    return Region.objects.filter(pk__in=roles.regions)


def child_helplines_visible_to(user) -> QuerySet[ChildHelpline]:
    """The helplines of the member states a user sees; the secretariat's default is in
    every staff member's scope (it is what her girls are shown where a state has none)."""
    roles = roles_of(user)
    helplines = ChildHelpline.objects.select_related("member_state")
    if roles.secretariat:
        return helplines
    if not roles.is_staff_member:
        return helplines.none()
    return helplines.filter(
        Q(member_state__isnull=True) | Q(member_state__in=member_states_visible_to(user))
    )


# --- Predicates: what a user may do to an object in her scope ----------------------


def is_secretariat(user) -> bool:
    return roles_of(user).secretariat


def can_manage_catalogue(user) -> bool:
    """COP modules and questionnaires are kept by the secretariat."""
    return roles_of(user).secretariat


def can_view_audit_log(user) -> bool:
    return roles_of(user).secretariat


def can_view_child_helplines(user) -> bool:
    """The helplines list: those who keep one (coordinators, the secretariat) and the
    regional officers, who read their region's (issue 19)."""
    roles = roles_of(user)
    return bool(roles.secretariat or roles.regions or roles.member_states)


def can_edit_child_helpline(user, member_state: MemberState) -> bool:
    """A state's helpline is kept by its coordinator (and the secretariat); a regional
    officer reads it, a facilitator is shown it on the girls' pages."""
    roles = roles_of(user)
    return roles.secretariat or member_state.pk in roles.member_states


# --- For views -------------------------------------------------------------------------


def require(predicate: Callable[..., bool] | str, *args: Any, **kwargs: Any) -> None:
    """Raise 403 unless ``predicate(*args, **kwargs)`` holds; ``predicate`` is a function or
    the name of a registered one (``"events.invite_facilitators"``)."""
    if isinstance(predicate, str):
        predicate = registry.predicate(predicate)
    if not predicate(*args, **kwargs):
        raise PermissionDenied


def staff_required(view):
    """The user must be signed in and hold at least one role; else login / 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles_of(request.user).is_staff_member:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def secretariat_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles_of(request.user).secretariat:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def in_scope(queryset: QuerySet, **lookup: Any) -> Model:
    """The object matching ``lookup`` within ``queryset`` (a ``*_visible_to`` scope), else 404."""
    return get_object_or_404(queryset, **lookup)


# --- The registry: scopes and predicates declared by the apps ------------------------------

ScopeFunction = Callable[[Any], QuerySet]

_PREDICATE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


class PermissionRegistry:
    """Scopes by model label (``"events.Event"``) and predicates by name
    (``"events.edit_event"``), filled by the apps' ``AppConfig.ready()``.

    Every model of the portal's own apps gets exactly one entry: a scope function, one of
    the shared kinds (:meth:`register_staff_catalogue`, :meth:`register_secretariat_only`,
    :meth:`register_scope_through`) or an explicit :meth:`register_unscoped` with the
    reason no page fetches it on its own. Registering a second, different entry under a
    name is an error; registering the same one again (a ``ready()`` run twice) is not.
    """

    def __init__(self) -> None:
        self._scopes: dict[str, ScopeFunction] = {}
        self._unscoped: dict[str, str] = {}
        self._predicates: dict[str, Callable[..., bool]] = {}

    # Declaring -------------------------------------------------------------------------

    def register_scope(self, model_label: str, scope: ScopeFunction) -> None:
        """``scope(user)`` returns the objects of ``model_label`` the user may see."""
        self._claim_model(model_label)
        if self._scopes.get(model_label, scope) is not scope:
            raise ImproperlyConfigured(f"{model_label} has a scope already")
        self._scopes[model_label] = scope

    def register_scope_through(self, model_label: str, *, parent: str, field: str) -> None:
        """Objects of ``model_label`` whose ``field`` points into the scope of ``parent``
        (a COP session's attendance lies in the session's scope)."""

        def scope(user) -> QuerySet:
            model = apps.get_model(model_label)
            parents = self.visible_to(user, parent).values("pk")
            return model._default_manager.filter(**{f"{field}__in": parents})

        self._register_kind(model_label, scope, ("through", parent, field))

    def register_staff_catalogue(self, model_label: str) -> None:
        """A catalogue every staff member reads whole (its writes are the secretariat's,
        :func:`can_manage_catalogue`); nothing for anyone else."""

        def scope(user) -> QuerySet:
            objects = apps.get_model(model_label)._default_manager.all()
            return objects if roles_of(user).is_staff_member else objects.none()

        self._register_kind(model_label, scope, ("staff catalogue",))

    def register_secretariat_only(self, model_label: str) -> None:
        """Every object for the ITU secretariat, none for anyone else."""

        def scope(user) -> QuerySet:
            objects = apps.get_model(model_label)._default_manager.all()
            return objects if roles_of(user).secretariat else objects.none()

        self._register_kind(model_label, scope, ("secretariat only",))

    def register_unscoped(self, model_label: str, *, reason: str) -> None:
        """``model_label`` is never fetched by a page on its own; ``reason`` says why (it
        is shown by :func:`check_scopes` and read by whoever adds a page for it)."""
        if not reason.strip():
            raise ImproperlyConfigured(f"say why {model_label} has no scope")
        self._claim_model(model_label, unscoped=True)
        self._unscoped[model_label] = reason

    def register_predicate(self, name: str, predicate: Callable[..., bool]) -> None:
        """``predicate(user, ...)`` under ``"<app_label>.<verb>_<thing>"``."""
        if not _PREDICATE_NAME.match(name):
            raise ImproperlyConfigured(f"a predicate is named app_label.verb_thing, not {name!r}")
        if self._predicates.get(name, predicate) is not predicate:
            raise ImproperlyConfigured(f"the predicate {name} is registered already")
        self._predicates[name] = predicate

    def _register_kind(self, model_label: str, scope: ScopeFunction, kind: tuple) -> None:
        scope.registry_kind = kind  # type: ignore[attr-defined]
        existing = self._scopes.get(model_label)
        if existing is not None and getattr(existing, "registry_kind", None) == kind:
            return
        self.register_scope(model_label, scope)

    def _claim_model(self, model_label: str, *, unscoped: bool = False) -> None:
        if "." not in model_label:
            raise ImproperlyConfigured(f"a model is named app_label.ModelName, not {model_label!r}")
        if (model_label in self._unscoped and not unscoped) or (
            model_label in self._scopes and unscoped
        ):
            raise ImproperlyConfigured(f"{model_label} is registered both with and without scope")

    # Asking ----------------------------------------------------------------------------

    def visible_to(self, user, model_label: str) -> QuerySet:
        try:
            scope = self._scopes[model_label]
        except KeyError:
            raise ImproperlyConfigured(
                f"no scope is registered for {model_label}"
                + (f" ({self._unscoped[model_label]})" if model_label in self._unscoped else "")
            ) from None
        queryset = scope(user)
        if queryset.model._meta.label != model_label:
            raise ImproperlyConfigured(
                f"the scope of {model_label} returned {queryset.model._meta.label} objects"
            )
        return queryset

    def predicate(self, name: str) -> Callable[..., bool]:
        try:
            return self._predicates[name]
        except KeyError:
            raise ImproperlyConfigured(f"no predicate is registered as {name}") from None

    def allows(self, user, name: str, *args: Any, **kwargs: Any) -> bool:
        return bool(self.predicate(name)(user, *args, **kwargs))

    # Checking --------------------------------------------------------------------------

    def scoped_models(self) -> frozenset[str]:
        return frozenset(self._scopes)

    def unscoped_models(self) -> dict[str, str]:
        return dict(self._unscoped)

    def predicate_names(self) -> frozenset[str]:
        return frozenset(self._predicates)

    def check(self, app_configs: Iterable[AppConfig]) -> list[checks.CheckMessage]:
        """Errors for each model of ``app_configs`` without an entry, and for each entry
        naming a model or an app that is not installed."""
        errors: list[checks.CheckMessage] = []
        declared = {*self._scopes, *self._unscoped}
        for config in app_configs:
            for model in config.get_models():
                label = model._meta.label
                if label not in declared:
                    errors.append(
                        checks.Error(
                            f"{label} has no permission scope.",
                            hint=(
                                f"Register one in {config.name}.permissions from "
                                f"{config.name}'s AppConfig.ready() (register_scope, "
                                "register_scope_through, register_staff_catalogue, "
                                "register_secretariat_only or register_unscoped)."
                            ),
                            obj=model,
                            id="copgirls.E101",
                        )
                    )
        for label in sorted(declared):
            try:
                apps.get_model(label)
            except LookupError:
                errors.append(
                    checks.Error(
                        f"A permission scope is registered for {label}, which is not a model.",
                        id="copgirls.E102",
                    )
                )
        labels = {config.label for config in apps.get_app_configs()}
        for name in sorted(self._predicates):
            if name.split(".")[0] not in labels:
                errors.append(
                    checks.Error(
                        f"The predicate {name} names an app that is not installed.",
                        id="copgirls.E103",
                    )
                )
        return errors


#: The project's registry; apps fill it from their ``AppConfig.ready()``.
registry = PermissionRegistry()

register_scope = registry.register_scope
register_scope_through = registry.register_scope_through
register_staff_catalogue = registry.register_staff_catalogue
register_secretariat_only = registry.register_secretariat_only
register_unscoped = registry.register_unscoped
register_predicate = registry.register_predicate


def visible_to(user, model_label: str) -> QuerySet:
    """The objects of ``model_label`` (``"events.Event"``) that ``user`` may see."""
    return registry.visible_to(user, model_label)


def allows(user, name: str, *args: Any, **kwargs: Any) -> bool:
    """Whether the registered predicate ``name`` holds: ``allows(user,
    "events.invite_facilitators", event)``."""
    return registry.allows(user, name, *args, **kwargs)


def portal_app_configs() -> list[AppConfig]:
    """The project's own apps (under ``BASE_DIR``, not installed packages)."""
    base = Path(settings.BASE_DIR).resolve()
    installed = {Path(prefix).resolve() for prefix in (sys.prefix, sys.base_prefix)}
    portal = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not any(path.is_relative_to(p) for p in installed):
            portal.append(config)
    return portal


def check_scopes(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check (registered by the core's ``ready()``): every model of the portal's
    apps has a scope or says why it has none."""
    portal = portal_app_configs()
    if app_configs is not None:
        wanted = {config.label for config in app_configs}
        portal = [config for config in portal if config.label in wanted]
    return registry.check(portal)


def register() -> None:
    """The core's own entries (called from :class:`copgirls.apps.CopgirlsConfig`)."""
    from copgirls.selectors import invitations_manageable_by, role_assignments_manageable_by

    register_scope("copgirls.Region", regions_visible_to)
    register_scope("copgirls.MemberState", member_states_visible_to)
    register_scope("copgirls.RoleAssignment", role_assignments_manageable_by)
    register_scope("copgirls.Invitation", invitations_manageable_by)
    register_scope("copgirls.ChildHelpline", child_helplines_visible_to)
    register_secretariat_only("copgirls.User")
    register_secretariat_only("copgirls.AuditEntry")
    register_unscoped(
        "copgirls.WorkerHeartbeat",
        reason="read only by /healthz, which shows the age of the last heartbeat",
    )
    register_predicate("copgirls.manage_catalogue", can_manage_catalogue)
    register_predicate("copgirls.view_audit_log", can_view_audit_log)
    register_predicate("copgirls.view_child_helplines", can_view_child_helplines)
    register_predicate("copgirls.edit_child_helpline", can_edit_child_helpline)
