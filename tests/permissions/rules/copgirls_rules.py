from tests.permissions.rules import EVERYONE, Rule, each

#: URLs that are not the portal's own pages (Django admin, i18n) have a rule too.
RULES = {
    "home": Rule(own=each(EVERYONE, 200)),
    "healthz": Rule(own=each(EVERYONE, 200)),
    "set_language": Rule(
        method="post", own=each(EVERYONE, 302), data=lambda w, s: {"language": "fr"}
    ),
}

#: URL-name prefixes whose patterns are Django's own (admin), checked by their own test.
EXEMPT_PREFIXES = ("admin:",)
