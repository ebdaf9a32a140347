"""Every page of the permission matrix, loaded in Chromium, breaks no rule of the
Content-Security-Policy: no inline script or style, nothing from another origin.

Each GET URL of the matrix is opened once, as the first actor (in ``SWEEP_ORDER``) that the
matrix says may open it, on the "own" side of the matrix's world. Downloads (PDF, CSV, XLSX)
are fetched too: they must carry the header, though a browser does not render them as pages.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.permissions.rules import collect
from tests.permissions.world import build_world

pytestmark = pytest.mark.e2e

#: Whom to open a page as: the public first, then the broadest view (most content).
SWEEP_ORDER = [
    "anonymous",
    "secretariat",
    "coordinator_a",
    "officer_a",
    "facilitator_a",
    "participant",
]

#: Records every violation the page reports, before any of the page's own code runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `(${event.sourceFile || "?"}:${event.lineNumber})`
  );
});
"""


@pytest.fixture
def portal_env() -> dict[str, str]:
    """The portal signs sessions with the tests' key, so a session made here is valid there."""
    return {"SECRET_KEY": settings.SECRET_KEY}


def _pages(world) -> list[tuple[str, str, str]]:
    """(URL name, actor, URL) for every GET rule some actor of the sweep may open."""
    rules, _ = collect()
    pages = []
    for name, rule in sorted(rules.items()):
        if rule.method != "get":
            continue
        actor = next((a for a in SWEEP_ORDER if rule.expected(a, "own") == 200), None)
        if actor is None:
            continue
        kwargs = rule.kwargs(world, "own") if rule.kwargs else {}
        query = rule.query
        if rule.data:
            from urllib.parse import urlencode

            data = urlencode(rule.data(world, "own"))
            query = f"{query}&{data}" if query else f"?{data}"
        pages.append((name, actor, reverse(name, kwargs=kwargs) + query))
    return pages


def _session_cookie(user) -> dict[str, str] | None:
    """A signed-in session for ``user`` (its TOTP is set up, so no MFA detour)."""
    if user is None:
        return None
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value}


def test_no_page_of_the_permission_matrix_breaks_the_content_security_policy(portal, browser):
    world = build_world()
    for build in collect()[1]:
        build(world)
    pages = _pages(world)
    assert len(pages) > 30, f"the sweep found only {len(pages)} pages: is the matrix read?"

    contexts = {}
    violations: list[str] = []
    rendered = 0
    try:
        for name, actor, path in pages:
            if actor not in contexts:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(RECORD_VIOLATIONS)
                cookie = _session_cookie(world.users[actor])
                if cookie:
                    context.add_cookies([{**cookie, "url": portal.url}])
                contexts[actor] = context
            context = contexts[actor]
            answer = context.request.get(portal.url + path, max_redirects=0)
            policy = answer.headers.get("content-security-policy", "")
            if "frame-ancestors 'none'" not in policy or "script-src 'self'" not in policy:
                violations.append(f"{name} ({path}): no Content-Security-Policy header: {policy!r}")
            if answer.status != 200 or not answer.headers.get("content-type", "").startswith(
                "text/html"
            ):
                continue  # a download or a fragment the matrix answers otherwise
            page = context.new_page()
            console = []
            page.on(
                "console",
                lambda message, into=console: (
                    into.append(message.text) if "Content Security Policy" in message.text else None
                ),
            )
            page.goto(portal.url + path, wait_until="load")
            page.wait_for_timeout(150)  # htmx and late styles run after load
            found = page.evaluate("window.__cspViolations") + console
            violations += [f"{name} as {actor} ({path}): {v}" for v in found]
            rendered += 1
            page.close()

        # The sweep can see a violation: a style element added to a page is refused.
        probe = contexts["anonymous"].new_page()
        probe.goto(portal.url + "/", wait_until="load")
        probe.evaluate(
            "document.head.appendChild(document.createElement('style')).textContent"
            " = 'body { color: red }'"
        )
        probe.wait_for_timeout(150)
        assert probe.evaluate("window.__cspViolations"), "the probe's inline style went unseen"
        probe.close()
    finally:
        for context in contexts.values():
            context.close()

    assert rendered > 30, f"only {rendered} pages were rendered"
    assert not violations, "\n".join(violations)
