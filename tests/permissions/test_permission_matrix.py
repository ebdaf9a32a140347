"""Every URL pattern × every role × own/other object answers as its rule says.

URL patterns are discovered from the URLconf; a pattern with no rule fails the test, so
a new URL cannot be added without saying who may open it.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from copgirls.models import WorkerHeartbeat
from tests.permissions.rules import LOGIN, collect
from tests.permissions.rules.copgirls_rules import EXEMPT_PREFIXES
from tests.permissions.world import ACTORS, build_world


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            if namespace.startswith(EXEMPT_PREFIXES):
                continue
            assert pattern.name, f"URL pattern {pattern.pattern} has no name: name it, add a rule"
            names.add(f"{namespace}{pattern.name}")
    return names


RULES, BUILDERS = collect()
NAMES = sorted(url_names())


def test_every_url_pattern_has_a_rule():
    missing = [name for name in NAMES if name not in RULES]
    assert not missing, f"URL patterns without a permission-matrix rule: {missing}"
    stale = [name for name in RULES if name not in NAMES]
    assert not stale, f"rules for URL names that no longer exist: {stale}"


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world is built once for the module, inside a transaction rolled back at its end.

    Each test still runs in its own savepoint (the ``db`` fixture), so what a request
    changes is undone before the next URL is tried; only the building is shared.
    """
    media_root = str(tmp_path_factory.mktemp("matrix-media"))
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=media_root, ACCOUNT_RATE_LIMITS=False):
            world = build_world()
            for build in BUILDERS:
                build(world)
        world.media_root = media_root
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world, db, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    settings.MEDIA_ROOT = module_world.media_root
    # /healthz is up only with a worker seen a moment ago; the world may be minutes old.
    WorkerHeartbeat.objects.update(seen_at=timezone.now())
    return module_world


def client_for(world, actor: str, *, token: bool = False) -> Client:
    client = Client()
    user = world.users[actor]
    if token:
        # No session: the token alone must carry her (or, without one, nobody).
        if world.tokens.get(actor):
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[actor]}"
        return client
    if user is not None:
        client.force_login(user)
    elif actor == "participant":
        client.cookies.load({settings.CSRF_COOKIE_NAME: "participant"})
    return client


def outcome(response) -> object:
    if response.status_code == 302 and "login" in response.get("Location", ""):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", [name for name in NAMES if name in RULES])
def test_permission_matrix(world, name):
    failures = []
    for rule in (RULES[name], *RULES[name].more):
        sides = ["own", "other"] if rule.kwargs else ["own"]
        for side in sides:
            kwargs = rule.kwargs(world, side) if rule.kwargs else {}
            url = reverse(name, kwargs=kwargs) + rule.query
            for actor in ACTORS:
                client = client_for(world, actor, token=rule.token)
                data = rule.data(world, side) if rule.data else {}
                if rule.token and rule.method != "get":
                    response = getattr(client, rule.method)(
                        url, json.dumps(data), content_type="application/json"
                    )
                else:
                    response = getattr(client, rule.method)(url, data)
                expected = rule.expected(actor, side)
                if outcome(response) != expected:
                    failures.append(
                        f"{actor} {rule.method.upper()} {url} ({side}): "
                        f"expected {expected}, got {outcome(response)}"
                    )
    assert not failures, "\n".join(failures)
