"""Locust's users for `manage.py benchmark --load` (devtools/loadtest/runner.py writes the plan).

Each user signs in through the real login form (its CSRF token, the session cookie), waits until
every user has tried to sign in, then asks for the plan's dashboard pages and charts at random,
with no think time, until the window ends. Then each stops between two requests, so every request
sent was answered and counted: the runner compares the count with the access records written.

The server runs as behind a TLS-terminating proxy (BEHIND_TLS_PROXY=true): each request says
X-Forwarded-Proto: https, as the proxy would, and the Secure cookies travel over
the plain loopback connection, as the proxy would pass them on.

The plan (JSON at $LOADTEST_PLAN): users, seconds, login_timeout, results (a path), accounts
{role: {username, password}} and urls {role: [[name, url], ...]}.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import ClassVar

import gevent
from gevent.event import Event
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
FORWARDED = {"X-Forwarded-Proto": "https"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Run:
    """What all users share: the sign-in barrier, the window and what was measured."""

    tried_sign_in = 0
    all_tried = Event()
    window_started: float | None = None  # time.time()
    window_ended: float | None = None
    stopping = False
    stopped = 0
    samples: ClassVar[list[tuple[str, float, int, str, float]]] = []  # name, ms, status (0: none), error, time.time() answered
    sign_in_failures: ClassVar[list[str]] = []


def window_end() -> None:
    Run.stopping = True
    Run.window_ended = time.time()


def sign_in_tried() -> None:
    Run.tried_sign_in += 1
    if Run.tried_sign_in == PLAN["users"]:
        Run.window_started = time.time()
        gevent.spawn_later(PLAN["seconds"], window_end)
        Run.all_tried.set()


class Viewer(FastHttpUser):
    abstract = True
    role = ""
    wait_time = constant(0)  # no think time
    # With no think time every user has a request waiting at the server, so one request may wait
    # behind many others: give up only after the server's own worker timeout would have.
    connection_timeout = network_timeout = 180.0

    def on_start(self) -> None:
        # The session and CSRF cookies are Secure; here the connection to the server is plain
        # http, as from the proxy, so the jar must send them over http too.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "http")))
        try:
            self.sign_in()
        finally:
            sign_in_tried()
        if not Run.all_tried.wait(PLAN["login_timeout"]):
            Run.sign_in_failures.append("not every user had signed in within the time allowed")
            window_end()
            raise StopUser()

    def sign_in(self) -> None:
        account = PLAN["accounts"][self.role]
        form = self.client.get("/accounts/login/", name="sign-in form", headers=FORWARDED)
        token = CSRF_FIELD.search(form.text or "")
        if form.status_code != 200 or not token:
            Run.sign_in_failures.append(f"{self.role}: the sign-in form answered {form.status_code}")
            raise StopUser()
        # On https Django's CSRF check wants a Referer of the same origin; the proxy's origin is https.
        origin = self.host.replace("http://", "https://", 1)
        headers = {**FORWARDED, "Referer": f"{origin}/accounts/login/"}
        data = {"username": account["username"], "password": account["password"], "csrfmiddlewaretoken": token.group(1)}
        answer = self.client.post("/accounts/login/", data=data, name="sign in", headers=headers, allow_redirects=False)
        if answer.status_code != 302:
            Run.sign_in_failures.append(f"{self.role}: signing in answered {answer.status_code}, not a redirect")
            raise StopUser()

    @task
    def browse(self) -> None:
        if Run.stopping:
            raise StopUser()
        name, url = random.choice(PLAN["urls"][self.role])
        started = time.perf_counter()
        # No redirects followed: one request here is one request to the portal (one access record),
        # and a redirect (to the sign-in form, say) is an error, not a page.
        with self.client.get(url, name=name, headers=FORWARDED, allow_redirects=False, catch_response=True) as response:
            elapsed = (time.perf_counter() - started) * 1000
            error = "" if response.status_code == 200 else f"status {response.status_code} {response.error or ''}".strip()
            if error:
                response.failure(error)
            else:
                response.success()
        Run.samples.append((name, elapsed, response.status_code, error, time.time()))

    def on_stop(self) -> None:
        Run.stopped += 1
        if Run.stopped == PLAN["users"]:
            gevent.spawn(self.environment.runner.quit)


class UsageViewer(Viewer):
    role = "usage"


class IndividualViewer(Viewer):
    role = "individual"


@events.quitting.add_listener
def results_write(environment, **kwargs) -> None:
    Path(PLAN["results"]).write_text(
        json.dumps(
            {
                "window_started": Run.window_started,
                "window_ended": Run.window_ended or time.time(),
                "signed_in": Run.tried_sign_in - len(Run.sign_in_failures),
                "sign_in_failures": Run.sign_in_failures,
                "samples": Run.samples,
            }
        )
    )
