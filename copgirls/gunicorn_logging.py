"""An access logger for gunicorn that keeps the participants out of the logs."""

from gunicorn.glogging import Logger

#: Paths whose requests are never logged: the participants' pages.
UNLOGGED_PREFIXES = ("/a/",)


class PrivacyLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO", "").startswith(UNLOGGED_PREFIXES):
            return
        super().access(resp, req, environ, request_time)
