"""An access logger for gunicorn that keeps the participants and e-mailed secrets out of
the logs."""

from gunicorn.glogging import Logger

from copgirls.log_redaction import redact

#: Paths whose requests are never logged: the participants' pages.
UNLOGGED_PREFIXES = ("/a/",)


class PrivacyLogger(Logger):
    """The request line and path pass through the portal's one redaction rule
    (:mod:`copgirls.log_redaction`): an invitation's token, allauth's e-mail confirmation
    and password-reset keys, a secret in the query string are replaced by ``[redacted]``;
    whoever reads the log must not be able to follow the link."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO", "").startswith(UNLOGGED_PREFIXES):
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "q", "r", "f"):
            if atoms.get(name):
                atoms[name] = redact(atoms[name])
        return atoms
