"""An access logger for gunicorn that keeps the participants and e-mailed secrets out of
the logs."""

import re

from gunicorn.glogging import Logger

#: Paths whose requests are never logged: the participants' pages.
UNLOGGED_PREFIXES = ("/a/",)

#: Paths that carry the secret of an e-mailed link: an invitation's token (it stands for
#: the invited address, see copgirls.adapters), allauth's e-mail confirmation key and
#: password-reset key. Whoever reads the log must not be able to follow the link, so the
#: secret part is replaced by "…".
_SECRET_PATHS = re.compile(
    r"^(?P<prefix>/join/|/accounts/confirm-email/|/accounts/password/reset/key/)[^/?]+"
)


def redact(path: str) -> str:
    return _SECRET_PATHS.sub(r"\g<prefix>…", path or "")


class PrivacyLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO", "").startswith(UNLOGGED_PREFIXES):
            return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms.get("U") or "")
        method, _, rest = (atoms.get("r") or "").partition(" ")
        atoms["r"] = f"{method} {redact(rest)}" if rest else atoms.get("r")
        return atoms
