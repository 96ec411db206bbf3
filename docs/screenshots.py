"""Regenerate docs/screenshot-overview.png, docs/screenshot-conversations.png, docs/screenshot-rollout.png (as a usage viewer)
and docs/screenshot-conversations-pseudonymous.png (as an individual-detail viewer).

    .venv/bin/python docs/screenshots.py

Builds a throwaway database (in a temporary VAR_DIR) with a few hundred invented members over
two months, runs the development server on it and photographs the dashboard with headless
Chromium (/usr/bin/chromium) at 1280 px wide. Needs static/vendor/chart.umd.min.js (make setup).
"""

from __future__ import annotations

import csv
import io
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 10, 31)
DAYS = 61
MEMBERS = 320
PASSWORD = "screenshots-only-password"
VIEWER, COACH = "screenshots", "screenshots-coach"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
FIRST = ["Alice", "Bob", "Carol", "Dana", "Erik", "Fatima", "Gustav", "Hana", "Ivan", "Julia", "Kwame", "Lena",
         "Mateo", "Nora", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tomoko", "Uma", "Viktor", "Wen", "Zoë"]
LAST = ["Andersen", "Berger", "Chen", "Dubois", "Eriksen", "Fischer", "García", "Hoffmann", "Ito", "Jensen",
        "Kowalski", "Larsen", "Müller", "Nakamura", "O'Neil", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka"]


def export_csv() -> bytes:
    rng = random.Random(7)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address", "device_id",
                     "user_agent", "client_platform"])
    first_day = AS_OF - timedelta(days=DAYS - 1)
    for n in range(MEMBERS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{last.lower().replace(chr(39), '')}{n}@example.com".replace("ë", "e").replace("ü", "u").replace("í", "i")
        actor = repr({"name": f"{first} {last}", "uuid": str(uuid.UUID(int=rng.getrandbits(128))), "metadata": {"email_address": email}})
        joined = rng.randint(0, DAYS - 5) if n > 40 else 0  # a pilot group, then staggered adoption
        intensity = rng.choice([0.3, 0.5, 0.8, 1.2, 2.0, 4.0])
        device = str(uuid.UUID(int=rng.getrandbits(128)))
        for d in range(joined, DAYS):
            day = first_day + timedelta(days=d)
            weekend = day.weekday() >= 5
            ramp = min(1.0, (d - joined + 1) / 14)
            if rng.random() > (0.15 if weekend else 0.55) * ramp:
                continue
            at = datetime(day.year, day.month, day.day, rng.randint(7, 17), rng.randint(0, 59), tzinfo=UTC)
            rows = [("user_signed_in_sso", "{'domain': 'example.com'}", "")]
            for _ in range(max(1, int(rng.expovariate(1 / (intensity * 2))))):
                rows.append(("conversation_created", "{}", repr({"type": "chat_conversation", "uuid": str(uuid.uuid4()), "metadata": {"project_uuid": None}})))
            if rng.random() < 0.08:
                rows.append(("project_created", "{}", repr({"type": "chat_project", "uuid": str(uuid.uuid4())})))
            if rng.random() < 0.2:
                rows.append(("file_uploaded", "{}", repr({"type": "file", "uuid": str(uuid.uuid4())})))
            for event, info, entity in rows:
                at += timedelta(seconds=rng.randint(20, 900))
                writer.writerow([at.isoformat().replace("+00:00", "Z"), actor, event, info, entity, "203.0.113.7",
                                 device, "Mozilla/5.0", "web_claude_ai"])
    return out.getvalue().encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    var_dir = tempfile.mkdtemp(prefix="usage-portal-screenshots-")
    env = {**os.environ, "DEBUG": "true", "VAR_DIR": var_dir, "REPORTING_TIMEZONE": "Europe/Berlin",
           "DJANGO_SETTINGS_MODULE": "usage_portal.settings", "DATABASE_URL": ""}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from ingest.services.uploads import upload_create, upload_process
    from portal.roles import INDIVIDUAL_VIEWERS, USAGE_VIEWERS

    call_command("migrate", verbosity=0)
    # The invented data is dated 2025; keep it all (the default raw-event retention is 400 days).
    from portal.models import RetentionSettings

    RetentionSettings.objects.filter(pk=1).update(raw_events_days=36_500)
    upload = upload_create(file=ContentFile(export_csv(), name="export.csv"), name="export.csv", queue=False)
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    print(f"imported {upload.rows_imported} events: {upload.status}")
    from devtools.demo import demo_roster_apply

    demo_roster_apply(seed=7)
    for username, group in [(VIEWER, USAGE_VIEWERS), (COACH, INDIVIDUAL_VIEWERS)]:
        user = User.objects.create_user(username, password=PASSWORD, first_name="Sam")
        user.groups.add(Group.objects.get(name=group))

    port = free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        shoot(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait()


def shoot(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        theme = os.environ.get("THEME", "light")
        suffix = "" if theme == "light" else f"-{theme}"
        shots = {
            VIEWER: [("overview", "/dashboard/"), ("conversations", "/dashboard/conversations/"), ("rollout", "/dashboard/rollout/")],
            COACH: [("conversations-pseudonymous", "/dashboard/conversations/")],
        }
        for username, pages in shots.items():
            page = browser.new_page(viewport={"width": 1280, "height": 800}, color_scheme=theme)
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("#login-form input[type=submit]")
            page.wait_for_load_state()
            for name, path in pages:
                page.goto(f"{base}{path}?as_of={AS_OF.isoformat()}")
                page.wait_for_selector("canvas[data-chart-ready=true]")
                target = ROOT / "docs" / f"screenshot-{name}{suffix}.png"
                page.screenshot(path=str(target), full_page=True)
                print(f"wrote {target.relative_to(ROOT)}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
