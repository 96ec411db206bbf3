"""A believable Claude for Enterprise audit-log export, invented from a seed (formats.md §1).

`demo_export_write(path=…, members=…, days=…, events=…, end=…)` writes a ZIP holding
`audit_logs.csv` in the real export's shape: the documented column order, Python-repr dict
cells (so "Dana O'Neil" comes out in double quotes, "Zoë" verbatim), CSV quoting only where a
cell needs it, and the IP addresses, device ids and user agents real exports carry (the
importer drops them). The CSV is streamed into the archive one day at a time, so memory stays
flat whatever the size; a million rows (about 480 MB of CSV) take 20-30 s on two cores.

What makes it look real:
* people at example.com from small first/last name lists (with apostrophes and non-ASCII),
  a few service accounts without an email, and a few actor-less automated rows;
* adoption that grows: a pilot group on the first day, everyone else joining on staggered
  dates (invited by an admin, then accepting), each person ramping up over a few weeks, and
  use getting heavier towards the end; a few people leave (org_user_deleted);
* a weekday rhythm (weekends about a fifth of a weekday), working hours in three regions;
* a realistic mix of events (conversation_created most common, then SSO sign-ins, file
  uploads, project work, renames and deletes, some admin events and a couple of event names
  the documentation does not list yet), on web, desktop, iOS and Android, and a handful of
  heavy users.

The same seed and arguments always give the same bytes (the ZIP entry's timestamp is fixed).
"""

from __future__ import annotations

import csv
import io
import queue
import random
import re
import threading
import unicodedata
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

DOMAIN = "example.com"
CSV_NAME = "audit_logs.csv"
COLUMNS = (
    "created_at",
    "actor_info",
    "event",
    "event_info",
    "entity_info",
    "ip_address",
    "device_id",
    "user_agent",
    "client_platform",
)

FIRST_NAMES = (
    "Mara", "Jonas", "Priya", "Tomás", "Zoë", "Amara", "Liam", "Sofia", "Kenji", "Aisha",
    "Mateo", "Ingrid", "Noah", "Chloé", "Ravi", "Elena", "Oskar", "Fatima", "Daniel", "Yuki",
    "Björn", "Leila", "Samuel", "Hannah", "Diego", "Anaïs", "Kwame", "Nora", "Łukasz", "Emma",
    "José", "Astrid", "Omar", "Grace", "Søren", "Mei", "Lucas", "Isabel", "Arjun", "Clara",
    "Ethan", "Olga", "Tariq", "Julia", "Felix", "Ana", "Hugo", "Niamh",
)
LAST_NAMES = (
    "Lindqvist", "O'Neil", "Okafor", "Fernández", "Müller", "Nakamura", "Patel", "Rossi",
    "Johansson", "D'Souza", "Kowalski", "Chen", "Dubois", "Schmidt", "Haddad", "García",
    "O'Brien", "Novak", "Andersson", "Silva", "Tanaka", "Kaur", "Murphy", "Brennan",
    "Ivanova", "Nguyen", "Moreau", "Becker", "Costa", "Yilmaz", "Larsen", "Khan", "Walsh",
    "Jensen", "Hughes", "Abara", "Svensson", "Ricci", "Núñez", "Berg", "Singh", "Lefèvre",
    "Kim", "Morgan", "Fischer", "Ahmed", "Hansen", "Santos",
)
SERVICE_ACCOUNTS = (
    "Example Reconciliation service",
    "SCIM provisioning service",
    "Okta directory sync",
    "Data retention service",
)
CONVERSATION_TITLES = (
    "Quarterly planning notes", "Draft customer email", "Summarise meeting transcript",
    "SQL query review", "Onboarding checklist", "Release notes v2.3", "Budget variance analysis",
    "Translate product FAQ", "Interview questions", "Incident postmortem draft",
    "Python refactor help", "Contract clause comparison", "Marketing copy ideas",
    "Explain the Q3 forecast", "Policy FAQ", "Slide outline for the all-hands",
)
PROJECT_NAMES = (
    "Sales enablement", "Engineering handbook", "Legal templates", "Support macros",
    "Finance close", "Research digest", "Hiring", "Product specs",
)

# Per-person activity, sampled in proportion to these weights. Admin and membership events
# (invites, joins, deletions, SSO settings) come from the rollout plan instead.
ACTIVITY_EVENTS = (
    ("conversation_created", 540),
    ("user_signed_in_sso", 140),
    ("file_uploaded", 90),
    ("conversation_renamed", 55),
    ("project_document_created", 40),
    ("conversation_deleted", 25),
    ("project_created", 18),
    ("user_signed_out", 15),
    ("user_signed_in_google", 8),
    ("project_renamed", 5),
    ("project_visibility_changed", 3),
    ("user_requested_magic_link", 3),
    ("user_attempted_magic_link_verification", 3),
    ("project_document_deleted", 2),
    ("project_deleted", 2),
    ("conversation_shared", 2),  # not in the documented list (yet): the importer counts it as unknown
    ("artifact_published", 1),  # likewise
    ("user_name_changed", 0.3),
)

# (client_platform, user agent) per kind of device.
WEB_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
)
DESKTOP_AGENTS = (
    "Claude/0.9.3 (Macintosh; example desktop build)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Claude/0.10.14 Chrome/128.0.6613.186 Electron/32.2.5 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Claude/0.10.14 Chrome/128.0.6613.186 Electron/32.2.5 Safari/537.36",
)
IOS_AGENTS = ("Claude/1.250101 (iPhone; iOS 18.1)", "Claude/1.241210 (iPhone; iOS 18.2)", "Claude/1.250101 (iPad; iPadOS 18.1)")
ANDROID_AGENTS = ("Claude/1.250103 (Android 14; Pixel 8)", "Claude/1.241218 (Android 15; SM-S921B)")

# Where people work, as (share, centre of their working day in UTC hours).
REGIONS = ((0.62, 12.0), (0.28, 17.5), (0.10, 4.0))
WEEKEND_FACTOR = 0.2
DAY_US = 86_400_000_000
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "'": "", " ": ""})
_CSV_SPECIAL = re.compile(r'[,"\r\n]')


def csv_cell(text: str) -> str:
    """One cell as csv.writer (QUOTE_MINIMAL, comma-delimited) writes it.

    csv.writer costs about 30 µs per 500-byte row on CPython 3.11 (it looks up every character
    in the line terminator), which alone would take half a minute for a million rows; so each
    distinct cell is quoted once here with the same rules, and rows are joined as text. The
    tests check that every line is exactly what csv.writer writes.
    """
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


def _actor_cell(name: str, uuid: str, email: str | None) -> str:
    """The actor_info cell, CSV-quoted: Python's repr of the dict, as real exports have it."""
    metadata = {"email_address": email} if email else {}
    return csv_cell(repr({"name": name, "uuid": uuid, "metadata": metadata}))


class _Person:
    __slots__ = (
        "name", "email", "uuid", "actor", "join_day", "leave_day", "weight", "centre", "devices",
        "projects", "last_conversation", "is_admin",
    )


def _device(rng: random.Random, kind: str) -> str:
    """The last four cells (ip_address, device_id, user_agent, client_platform), CSV-encoded,
    for one of a person's devices."""
    if kind == "web":
        agent, platform = rng.choice(WEB_AGENTS), "web_claude_ai"
    elif kind == "desktop":
        agent, platform = rng.choice(DESKTOP_AGENTS), "desktop_app"
    elif kind == "ios":
        agent, platform = rng.choice(IOS_AGENTS), "ios"
    else:
        agent, platform = rng.choice(ANDROID_AGENTS), "android"
    if rng.random() < 0.08:
        ip = f"2001:db8:{rng.randrange(1, 0xFFFF):x}::{rng.randrange(1, 0xFFFF):x}"
    else:
        ip = f"{rng.choice(('203.0.113', '198.51.100', '192.0.2'))}.{rng.randrange(2, 254)}"
    return ",".join(csv_cell(cell) for cell in (ip, _uuid(rng), agent, platform))


NO_DEVICE = ",,,"


def _people(rng: random.Random, members: int, days: int) -> list[_Person]:
    people: list[_Person] = []
    used_emails: dict[str, int] = {}
    pilot = max(1, round(members * 0.12))
    heavy = set(rng.sample(range(members), k=min(members, max(3, members // 100))))
    for index in range(members):
        p = _Person()
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        p.name = f"{first} {last}"
        local = f"{_ascii(first)}.{_ascii(last)}"
        used_emails[local] = used_emails.get(local, 0) + 1
        if used_emails[local] > 1:
            local = f"{local}{used_emails[local]}"
        p.email = f"{local}@{DOMAIN}"
        p.uuid = _uuid(rng)
        p.actor = _actor_cell(p.name, p.uuid, p.email)
        # A pilot group from day one, then people joining on staggered dates, most of them in
        # the first two thirds of the period (rollout waves).
        if index < pilot or days <= 1:
            p.join_day = 0
        else:
            p.join_day = min(days - 1, 1 + int((days - 1) * 0.8 * rng.random() ** 1.35))
        p.leave_day = None
        if index >= pilot and rng.random() < 0.02 and p.join_day < days - 14:
            p.leave_day = rng.randrange(p.join_day + 7, days)
        p.weight = rng.lognormvariate(0.0, 0.9) * (9.0 if index in heavy else 1.0)
        share = rng.random()
        centre = REGIONS[-1][1]
        for region_share, region_centre in REGIONS:
            if share < region_share:
                centre = region_centre
                break
            share -= region_share
        p.centre = (centre + rng.uniform(-1.5, 1.5)) * 3600
        roll = rng.random()
        primary = "web" if roll < 0.64 else "desktop" if roll < 0.9 else "ios" if roll < 0.96 else "android"
        p.devices = [_device(rng, primary)]
        if rng.random() < 0.35:  # also uses the phone app now and then
            p.devices.append(_device(rng, "ios" if rng.random() < 0.6 else "android"))
        p.projects = []
        p.last_conversation = None
        p.is_admin = index < min(3, pilot)
        people.append(p)
    return people


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to weights (largest remainder), so the sum is exact."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    left = total - sum(counts)
    for i in sorted(range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True)[:left]:
        counts[i] += 1
    return counts


def _rest(actor: str, event: str, event_info: str, entity: str, device: str) -> str:
    """A row after its timestamp: `,actor,event,event_info,entity_info,ip,device,agent,platform\\n`."""
    return f",{actor},{event},{csv_cell(event_info)},{csv_cell(entity)},{device}\n"


def _planned(rng, people, days, events, services, admins) -> list[tuple[int, int, str]]:
    """The rollout plan, as (day, microsecond of the day, rest of the row): invites and joins,
    a first sign-in on each person's joining day (so everyone appears in the export),
    departures, SSO settings and monthly data exports."""
    planned: list[tuple[int, int, str]] = []

    def at(p: _Person | None = None) -> int:
        centre = p.centre if p else 12 * 3600
        return int(rng.gauss(centre, 2.2 * 3600) * 1_000_000) % DAY_US

    for p in people:
        if p.join_day > 0:
            admin = rng.choice(admins)
            invite = _uuid(rng)
            entity = f"{{'type': 'invite', 'uuid': '{invite}', 'metadata': {{'role': 'user'}}}}"
            sent = max(0, p.join_day - rng.choice((1, 1, 2, 3, 7)))
            info = repr({"invited_email_address": p.email, "invited_role": "user"})
            planned.append((sent, at(admin), _rest(admin.actor, "org_user_invite_sent", info, entity, admin.devices[0])))
            if rng.random() < 0.1 and sent < p.join_day:
                info = repr({"invited_email_address": p.email, "invited_role": "user", "invite_uuid": invite})
                planned.append(
                    (p.join_day, at(admin), _rest(admin.actor, "org_user_invite_re_sent", info, entity, admin.devices[0]))
                )
            planned.append(
                (p.join_day, at(p), _rest(p.actor, "org_user_invite_accepted", "{'invited_role': 'user'}", entity, p.devices[0]))
            )
        planned.append((p.join_day, at(p), _rest(p.actor, "user_signed_in_sso", f"{{'domain': '{DOMAIN}'}}", "", p.devices[0])))
        if p.leave_day is not None:
            entity = f"{{'type': 'account', 'uuid': '{p.uuid}', 'metadata': {{'email_address': '{p.email}'}}}}"
            planned.append((p.leave_day, at(), _rest(rng.choice(services), "org_user_deleted", "{}", entity, NO_DEVICE)))
    admin = admins[0]
    planned.append((0, at(admin), _rest(admin.actor, "org_sso_toggled", "{'sso_enforced': True}", "", admin.devices[0])))
    planned.append(
        (0, at(admin), _rest(admin.actor, "org_jit_toggled", "{'jit_provisioning_enabled': True}", "", admin.devices[0]))
    )
    export_info = "{'export_type': 'audit_logs', 'initiated_by_anthropic': False}"
    for day in range(min(14, days - 1), days, 30):  # a monthly export; the system completes it (no actor)
        started = at(admin)
        planned.append((day, started, _rest(admin.actor, "org_data_export_started", export_info, "", admin.devices[0])))
        planned.append((day, min(started + 600_000_000, DAY_US - 1), _rest("", "org_data_export_completed", export_info, "", NO_DEVICE)))
    if len(planned) > events:  # a tiny export: keep the first sign-ins, which make the members
        planned.sort(key=lambda item: ",user_signed_in_sso," not in item[2])
        planned = planned[:events]
    planned.sort(key=lambda item: item[0])
    return planned


class _BackgroundWriter:
    """Hands chunks to a thread that compresses and writes them: zlib and file writes release
    the GIL, so on two cores deflating overlaps with generating the next day's rows. At most
    a few days' chunks wait in the queue, so memory stays flat."""

    def __init__(self, target):
        self._target = target
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="demo-export-writer", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._target.write(chunk)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the generating thread
                    self._error = exc

    def write(self, chunk: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(chunk)

    def __exit__(self, *exc_info) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise self._error


def demo_export_write(
    *, path, members: int, days: int, events: int, end: date, seed: int = 7, not_after: datetime | None = None
) -> int:
    """Write a demo export ZIP to `path`; return the number of event rows written (== events).

    `members` people with an email take part (plus a few service accounts without one);
    events span the `days` calendar days (UTC) ending on `end`. With `not_after`, nothing on
    the last day is later than that instant (so an export "ending today" holds no future events).
    """
    if members < 1 or days < 1 or events < 0:
        raise ValueError("members and days must be at least 1, events at least 0")
    rng = random.Random(seed)
    start = end - timedelta(days=days - 1)
    people = _people(rng, members, days)
    services = [_actor_cell(name, _uuid(rng), None) for name in SERVICE_ACCOUNTS[: max(1, min(4, members // 80 + 1))]]
    admins = [p for p in people if p.is_admin] or people[:1]
    shared_projects = [_uuid(rng) for _ in range(max(2, members // 40))]
    planned = _planned(rng, people, days, events, services, admins)

    # Everything else is activity, shared out over the days by who is around (ramping up over
    # four weeks after joining, heavier towards the end of the period) and by the weekday.
    joins = [p.join_day for p in people]
    leaves = [days if p.leave_day is None else p.leave_day for p in people]
    weights = [p.weight for p in people]
    day_people: list[list[int]] = []
    day_cumulative: list[list[float]] = []
    day_totals: list[float] = []
    for day in range(days):
        growth = 0.55 + 0.45 * day / max(days - 1, 1)
        indexes = [i for i in range(members) if joins[i] <= day < leaves[i]]
        active = [weights[i] * growth * min(1.0, 0.25 + (day - joins[i]) / 28) for i in indexes]
        day_people.append(indexes)
        day_cumulative.append(list(accumulate(active)))
        weekday = (start + timedelta(days=day)).weekday()
        factor = WEEKEND_FACTOR if weekday >= 5 else (0.9 if weekday == 4 else 1.0)
        day_totals.append(sum(active) * factor)
    per_day = _allocate(events - len(planned), day_totals)

    names = [name for name, _ in ACTIVITY_EVENTS]
    type_weights = list(accumulate(w for _, w in ACTIVITY_EVENTS))
    last_day_scale = 1.0
    if not_after is not None and (not_after.astimezone(UTC).date() - start).days == days - 1:
        midnight = datetime.combine(end, time.min, tzinfo=UTC)
        last_day_scale = max(min((not_after - midnight).total_seconds() / 86400, 1.0), 60 / 86400)
    clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]

    written = 0
    planned_at = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        info = zipfile.ZipInfo(CSV_NAME, date_time=(end.year, end.month, end.day, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with archive.open(info, "w", force_zip64=events > 2_000_000) as member, _BackgroundWriter(member) as out:
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow(COLUMNS)
            out.write(header.getvalue().encode())
            for day in range(days):
                prefix = (start + timedelta(days=day)).isoformat() + "T"
                scale = last_day_scale if day == days - 1 else 1.0
                lines: list[str] = []
                while planned_at < len(planned) and planned[planned_at][0] == day:
                    _, us, rest = planned[planned_at]
                    us = int(us * scale)
                    lines.append(f"{prefix}{clock[us // 1_000_000]}.{us % 1_000_000:06d}Z{rest}")
                    planned_at += 1
                if per_day[day]:
                    lines += _activity(
                        rng, people, day_people[day], day_cumulative[day], per_day[day], names, type_weights,
                        shared_projects, prefix, clock, scale,
                    )
                lines.sort()  # the timestamp leads each line, so this is chronological order
                out.write("".join(lines).encode())
                written += len(lines)
    return written


def _activity(
    rng, people, indexes, cumulative, count, names, type_weights, shared_projects, prefix, clock, scale
) -> list[str]:
    """`count` activity rows (CSV lines) for the day whose timestamps start with `prefix`.

    The hot loop of the generator: uuids are cut from one block of random bytes, times are a
    sum of three uniforms (close to a bell curve, and cheaper than gauss), and each row is one
    f-string. Entity cells always hold a comma and never a double quote, so they are quoted
    directly; event_info cells that might need it go through csv_cell.
    """
    who = rng.choices(indexes, cum_weights=cumulative, k=count)
    what = rng.choices(names, cum_weights=type_weights, k=count)
    block = rng.randbytes(16 * count).hex()
    random_, choice = rng.random, rng.choice
    spread = 2.4 * 3600 * 2 * 1_000_000  # three uniforms in [-0.5, 0.5] sum to sd 0.5
    rows = []
    append = rows.append
    for n, (i, event) in enumerate(zip(who, what)):
        p = people[i]
        us = int(p.centre * 1_000_000 + (random_() + random_() + random_() - 1.5) * spread) % DAY_US
        if scale != 1.0:
            us = int(us * scale)
        stamp = f"{prefix}{clock[us // 1_000_000]}.{us % 1_000_000:06d}Z"
        device = p.devices[0] if len(p.devices) == 1 or random_() < 0.85 else p.devices[1]
        h = block[32 * n : 32 * n + 32]
        u = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"
        if event == "conversation_created":
            p.last_conversation = u
            if p.projects and random_() < 0.25:
                entity = f"{{'type': 'chat_conversation', 'uuid': '{u}', 'metadata': {{'project_uuid': '{choice(p.projects)}'}}}}"
            else:
                entity = f"{{'type': 'chat_conversation', 'uuid': '{u}', 'metadata': {{'project_uuid': None}}}}"
            append(f'{stamp},{p.actor},conversation_created,{{}},"{entity}",{device}\n')
            continue
        if event == "user_signed_in_sso":
            append(f"{stamp},{p.actor},user_signed_in_sso,{{'domain': '{DOMAIN}'}},,{device}\n")
            continue
        if event == "file_uploaded":
            append(f"{stamp},{p.actor},file_uploaded,{{}},\"{{'type': 'file', 'uuid': '{u}'}}\",{device}\n")
            continue
        event_info = "{}"
        if event in ("conversation_renamed", "conversation_deleted", "conversation_shared"):
            c = p.last_conversation or u
            if event == "conversation_renamed":
                event_info = csv_cell(repr({"new_name": choice(CONVERSATION_TITLES)}))
            elif event == "conversation_deleted":
                p.last_conversation = None
            entity = f"{{'type': 'chat_conversation', 'uuid': '{c}'}}"
        elif event in ("project_document_created", "project_document_deleted"):
            project = choice(p.projects) if p.projects else choice(shared_projects)
            entity = f"{{'type': 'chat_project_document', 'uuid': '{u}', 'metadata': {{'project_uuid': '{project}'}}}}"
        elif event == "project_created":
            p.projects.append(u)
            if len(p.projects) > 6:
                p.projects.pop(0)
            entity = f"{{'type': 'chat_project', 'uuid': '{u}', 'metadata': {{'is_private': {random_() < 0.7}}}}}"
        elif event in ("project_renamed", "project_visibility_changed", "project_deleted"):
            project = choice(p.projects) if p.projects else choice(shared_projects)
            if event == "project_renamed":
                event_info = csv_cell(repr({"new_name": choice(PROJECT_NAMES)}))
                entity = f"{{'type': 'chat_project', 'uuid': '{project}'}}"
            elif event == "project_visibility_changed":
                public = random_() < 0.5
                event_info = f"{{'updated_privacy': '{'public' if public else 'private'}'}}"
                entity = f"{{'type': 'chat_project', 'uuid': '{project}', 'metadata': {{'is_private': {not public}}}}}"
            else:
                if project in p.projects:
                    p.projects.remove(project)
                entity = f"{{'type': 'chat_project', 'uuid': '{project}'}}"
        elif event == "artifact_published":
            entity = f"{{'type': 'artifact', 'uuid': '{u}'}}"
        else:  # sign-ins and sign-outs: no entity
            if event == "user_signed_in_google":
                event_info = csv_cell(repr({"email_address": p.email}))
            elif event in ("user_requested_magic_link", "user_attempted_magic_link_verification"):
                event_info = csv_cell(repr({"email_address": p.email, "is_successful": random_() < 0.95}))
            elif event == "user_name_changed":
                event_info = csv_cell(repr({"old_name": p.name.split(" ")[0], "new_name": p.name}))
            append(f"{stamp},{p.actor},{event},{event_info},,{device}\n")
            continue
        append(f'{stamp},{p.actor},{event},{event_info},"{entity}",{device}\n')
    return rows


DEMO_TEAMS = [
    ("Platform", "Engineering"), ("Data", "Engineering"), ("Mobile", "Engineering"), ("Design", "Product"),
    ("Sales", "Go to market"), ("Support", "Go to market"), ("Finance", "Operations"), ("Legal", "Operations"),
]
DEMO_PILOT_TEAMS = ("Platform", "Data")


def demo_roster_apply(*, seed: int) -> None:
    """Give the demo organisation a roster (teams, departments, a pilot cohort, seats), a baseline
    week, a wave-2 milestone and a few champion notes, so the Rollout page has something to show."""
    from notes.models import ChampionNote, Milestone
    from notes.services import note_create
    from people.models import Cohort, Department, Member, Team

    rng = random.Random(seed)
    members = list(Member.objects.exclude(first_seen=None).order_by("first_seen", "email"))
    if not members:
        return
    teams = {name: Team.objects.get_or_create(name=name)[0] for name, _ in DEMO_TEAMS}
    departments = {name: Department.objects.get_or_create(name=name)[0] for _, name in DEMO_TEAMS}
    pilot = Cohort.objects.get_or_create(name="pilot")[0]
    wave_2 = Cohort.objects.get_or_create(name="wave 2")[0]
    start = members[0].first_seen.date()
    # The pilot cohort is whole teams (the earliest users are in them), so cohorts and teams do not
    # cut each other into atoms smaller than the minimum group size, and every team can be shown.
    pilot_teams = [entry for entry in DEMO_TEAMS if entry[0] in DEMO_PILOT_TEAMS]
    for n, member in enumerate(members):
        choices = pilot_teams if n < len(members) // 10 else DEMO_TEAMS
        team, department = choices[rng.randrange(len(choices))]
        member.on_roster = True
        member.team, member.department = teams[team], departments[department]
        member.seat_start = min(member.first_seen.date(), start + timedelta(days=rng.randrange(0, 30)))
        member.save(update_fields=["on_roster", "team", "department", "seat_start"])
        member.cohorts.add(pilot if team in DEMO_PILOT_TEAMS else wave_2)
    Milestone.objects.get_or_create(label="Before broad enablement", defaults={"date": start + timedelta(days=21), "is_baseline": True})
    Milestone.objects.get_or_create(label="Wave 2", defaults={"date": start + timedelta(days=42)})
    for days, text in [(14, "Office hours started"), (45, "MCP servers enabled"), (70, "SSO outage in the morning")]:
        if not ChampionNote.objects.filter(date=start + timedelta(days=days), text=text).exists():
            note_create(user=None, date=start + timedelta(days=days), text=text)
