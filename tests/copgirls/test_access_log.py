"""gunicorn's access log names no address or browser and skips the participants' pages."""

import datetime
import runpy
from types import SimpleNamespace

from django.conf import settings
from gunicorn.config import Config

from copgirls.gunicorn_logging import PrivacyLogger


def access_logger(path):
    conf = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    config = Config()
    config.set("access_log_format", conf["access_log_format"])
    config.set("logger_class", conf["logger_class"])
    config.set("accesslog", str(path))
    return PrivacyLogger(config)


def request(path: str):
    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": "POST",
        "QUERY_STRING": "",
        "REMOTE_ADDR": "203.0.113.77",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 9; cheap-phone)",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "RAW_URI": path,
    }
    req = SimpleNamespace(
        headers=[("USER-AGENT", environ["HTTP_USER_AGENT"])],
        method="POST",
        path=path,
        query="",
        uri=path,
        version=(1, 1),
    )
    resp = SimpleNamespace(status="303 See Other", sent=0, headers=[], response_length=0)
    return resp, req, environ


def test_the_access_log_has_no_address_or_browser_and_no_participant_page(tmp_path):
    log_file = tmp_path / "access.log"
    logger = access_logger(log_file)
    for path in ("/a/K7MNPX/", "/celebrations/"):
        logger.access(*request(path), datetime.timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    text = log_file.read_text()
    assert "/celebrations/" in text
    assert "/a/" not in text
    assert "203.0.113.77" not in text
    assert "Mozilla" not in text and "cheap-phone" not in text


def test_the_access_log_keeps_no_secret_of_an_e_mailed_link(tmp_path):
    """An invitation token, an e-mail confirmation key or a password-reset key in the log
    would let whoever reads the logs take the role or the account the e-mail was for."""
    log_file = tmp_path / "access.log"
    logger = access_logger(log_file)
    secrets = {
        "/join/Zq3xUu9LrT0yWc1bNv8kHs4pEa7dFg2i/": "Zq3xUu9LrT0yWc1bNv8kHs4pEa7dFg2i",
        "/accounts/confirm-email/MTE:1vXyZa:confirmkey123/": "confirmkey123",
        "/accounts/password/reset/key/2s-cg1a2b-3c4d5e6f7a8b9c0d1e2f/": "3c4d5e6f7a8b9c0d1e2f",
    }
    for path in secrets:
        logger.access(*request(path), datetime.timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    text = log_file.read_text()
    assert "/join/" in text and "/accounts/confirm-email/" in text  # the request is logged
    assert "/accounts/password/reset/key/" in text
    for secret in secrets.values():
        assert secret not in text
