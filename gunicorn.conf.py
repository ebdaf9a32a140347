"""gunicorn's configuration (read from the working directory by every gunicorn we start).

The access log must not become a record of the girls: it names no client address and no
browser, and says nothing at all about the participant pages (/a/…), whose request line
and exact second would otherwise tie a log line to one response.
"""

accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
logger_class = "copgirls.gunicorn_logging.PrivacyLogger"
