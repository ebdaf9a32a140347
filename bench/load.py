"""A small HTTP load generator on loopback: keep-alive connections in threads, bounded in
requests and time, for the participant submission benchmark and page latencies."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


@dataclass
class FormFields:
    action: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio name -> values
    checkboxes: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.form = FormFields()
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            self.in_form = True
            self.form.action = attributes.get("action") or ""
        if not self.in_form or tag != "input":
            if self.in_form and tag == "textarea":
                self.form.texts.append(attributes.get("name", ""))
            return
        kind, name = attributes.get("type", "text"), attributes.get("name")
        if not name:
            return
        if kind == "hidden":
            self.form.hidden[name] = attributes.get("value", "")
        elif kind == "radio":
            self.form.choices.setdefault(name, []).append(attributes.get("value", ""))
        elif kind == "checkbox":
            self.form.checkboxes.append(name)
        elif kind in {"text", "password", "search"}:
            self.form.texts.append(name)

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False


def parse_form(html: str) -> FormFields:
    parser = _FormParser()
    parser.feed(html)
    return parser.form


class Connection:
    """One keep-alive connection with its cookies."""

    def __init__(
        self,
        base_url: str,
        cookies: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = dict(cookies or {})
        self.headers = dict(headers or {})
        self.http = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "gzip", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in range(2):
            try:
                self.http.request(method, path, body=data, headers=headers)
                response = self.http.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.http.close()
                self.http = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: dict[int, int]
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_load(
    base_url: str,
    make_request: Callable[[Connection, int], tuple[str, str, dict | None]],
    *,
    total: int,
    concurrency: int,
    cookies: dict[str, str] | None = None,
    time_limit: float = 300.0,
) -> LoadResult:
    """Send ``total`` requests (``make_request(connection, i)`` -> method, path, body) over
    ``concurrency`` connections; stops early after ``time_limit`` seconds."""
    counter = iter(range(total))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    deadline = time.monotonic() + time_limit

    def worker():
        connection = Connection(base_url, cookies)
        while time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            method, path, body = make_request(connection, index)
            started = time.perf_counter()
            status, _ = connection.request(method, path, body)
            elapsed = time.perf_counter() - started
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return LoadResult(sum(statuses.values()), seconds, statuses, latencies)


def latency(
    base_url: str,
    path: str,
    *,
    runs: int,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
):
    """Sequential GETs of one page: (p50, p95, status) in seconds."""
    connection = Connection(base_url, cookies, headers)
    connection.request("GET", path)  # warm-up
    times, status = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        status, _ = connection.request("GET", path)
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, status


def new_client_id() -> str:
    return str(uuid.uuid4())
