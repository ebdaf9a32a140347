"""The REST API (``/api/v1/``) and the open data, on top of the apps' own services and selectors.

Nothing here decides a rule of its own: celebrations are written by ``events.services``
(the same all-or-nothing validation as the file import), reports asked through
``reports.services``, scopes come from ``copgirls.permissions`` (out of scope → 404, as in the
pages), and every public figure from the selectors that the public pages use, which pass it
through ``copgirls.disclosure``. The app adds what only an API needs: personal access tokens
(``api.tokens``), their scopes and audit, JSON errors with stable codes, the OpenAPI schema.
"""
