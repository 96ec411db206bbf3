"""The ten-million-event benchmark dataset (issue 13 §2), generated directly in the database.

Importing 10,000,000 rows through the importer takes far too long for a benchmark's setup, so the
rows are made set-based by the database itself (PostgreSQL: INSERT … SELECT FROM generate_series;
SQLite: the same SELECT over a recursive CTE), from deterministic integer hashes of the row number,
so both databases hold the same figures. Members are invented people at example.com on a roster of
teams and departments; a third of them use Claude Code on most workdays. The rollups are then built
by the project's own services (rollup_rebuild, code_days_refresh), as an import would leave them.

A marker row (table bench_dataset) records the generator version and what was built: a database
whose marker matches is reused as it is.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction

# Bump when what is generated changes: a cached database with another version is rebuilt.
GENERATOR_VERSION = 1
MARKER_TABLE = "bench_dataset"
TEAMS = 40  # of 250 members each at 10,000 members; five teams make a department
TEAMS_PER_DEPARTMENT = 5
CHUNK = 1_000_000  # events per INSERT … SELECT (progress lines, bounded transactions on SQLite)
TERMINALS = ("vscode", "iTerm.app", "jetbrains", "tmux")
MODELS = ("claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5")
# Event names by share of rows (per 100), the counted ones first: the rollups count
# conversation_created, project_created and file_uploaded, and every event as activity.
EVENT_MIX = (
    ("conversation_created", 30),
    ("file_uploaded", 8),
    ("project_created", 2),
    ("user_signed_in_sso", 10),
    ("conversation_renamed", 10),
    ("artifact_created", 10),
    ("project_document_created", 10),
    ("conversation_deleted", 5),
    ("user_session_started", 15),
)
SERVICE_ACCOUNT_PER_100 = 1  # rows with no member (service accounts), counted only in event totals


class StaleDataset(RuntimeError):
    """The database holds another dataset, or records the generator did not write: use a fresh one."""


@dataclass(frozen=True)
class Spec:
    events: int = 10_000_000
    members: int = 10_000
    days: int = 365
    end: date = date(2026, 11, 29)  # fixed, so that a cached dataset stays valid from day to day

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    def marker(self) -> dict:
        return {"version": GENERATOR_VERSION, **{k: str(v) for k, v in asdict(self).items()}}


def team_name(n: int) -> str:
    return f"Team {n + 1:02d}"


def marker_get() -> dict | None:
    """What the database holds, as the generator recorded it; None when it has no dataset."""
    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT spec, built FROM {MARKER_TABLE}")
        row = cursor.fetchone()
    return None if row is None else {**json.loads(row[0]), "built": json.loads(row[1])}


def dataset_ensure(*, spec: Spec, say=print) -> dict:
    """Build the dataset unless the database already holds this one; what building took, by step."""
    found = marker_get()
    if found is not None:
        built = found.pop("built")
        if found == spec.marker():
            say(f"Dataset: reusing the cached one (built in {built['total_seconds']:.0f} s, generator v{GENERATOR_VERSION})")
            return {**built, "cached": True}
        raise StaleDataset(
            f"The database holds another benchmark dataset ({found}); drop it first (scripts/bench does, when the version changes)."
        )
    from ingest.models import Event
    from people.models import Member

    if Event.objects.exists() or Member.objects.exists():
        raise StaleDataset(
            "The database holds events or members but no finished dataset (another one, or a build cut short); use a fresh one."
        )
    steps: dict[str, float] = {}

    def step(name, call):
        _step_timed(steps, name, call, say)

    say(f"Dataset: generating {spec.events:,} events, {spec.members:,} members, {spec.days} days to {spec.end} ({connection.vendor})")
    step("members and roster", lambda: _members_create(spec))
    step("audit events", lambda: _events_insert(spec, say))
    step("Claude Code records", lambda: _code_usage_insert(spec))
    step("Claude Code member-days (code_days_refresh)", lambda: _code_days_build(spec))
    return dataset_finish(spec=spec, steps=steps, say=say)


def _step_timed(steps: dict[str, float], name: str, call, say) -> None:
    """Run one build step, saying when it starts and how long it took (kept in `steps`)."""
    started = time.perf_counter()
    say(f"  {name}…")
    call()
    steps[name] = time.perf_counter() - started
    say(f"  {name}: {steps[name]:.1f} s")


def dataset_finish(*, spec: Spec, steps: dict[str, float], say=print) -> dict:
    """The last steps, from the stored records: the rollups as the services build them, the
    planner's statistics, and the marker."""

    def step(name, call):
        _step_timed(steps, name, call, say)

    step("rollups (rollup_rebuild)", _rollups_build)
    step("statistics", _analyze)
    built = {"steps_seconds": steps, "total_seconds": sum(steps.values()), "built_at": datetime.now(UTC).isoformat()}
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (spec TEXT NOT NULL, built TEXT NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (spec, built) VALUES (%s, %s)", [json.dumps(spec.marker()), json.dumps(built)])
    say(f"Dataset built in {built['total_seconds']:.0f} s")
    return {**built, "cached": False}


# --- members -----------------------------------------------------------------------------------


def _members_create(spec: Spec) -> None:
    from people.models import Department, Member, Team
    from people.selectors import pseudonym_period_get
    from portal.privacy import member_pseudonym

    period = pseudonym_period_get()
    teams = [Team.objects.create(name=team_name(n)) for n in range(TEAMS)]
    departments = [Department.objects.create(name=f"Department {n + 1}") for n in range(TEAMS // TEAMS_PER_DEPARTMENT)]
    start = datetime.combine(spec.start, datetime.min.time(), tzinfo=UTC)
    members = []
    for n in range(spec.members):
        email = f"bench.person{n:05d}@example.com"
        team = n % TEAMS
        members.append(
            Member(
                email=email,
                name=f"Bench Person {n:05d}",
                pseudonym=member_pseudonym(email, period=period),
                on_roster=True,
                team=teams[team],
                department=departments[team // TEAMS_PER_DEPARTMENT],
                seat_start=spec.start + timedelta(days=n % 60),
                first_seen=start,
                last_seen=start,
            )
        )
    with transaction.atomic():
        Member.objects.bulk_create(members, batch_size=2000)


def _member_ids() -> tuple[int, int]:
    from people.models import Member

    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    if ids != list(range(ids[0], ids[0] + len(ids))):
        raise RuntimeError("The generated members' ids are not consecutive.")
    return ids[0], len(ids)


# --- portable integer hashes ---------------------------------------------------------------------
# Multiplicative hashes of the row number modulo 2**32, the same on PostgreSQL (bigint) and SQLite
# (64-bit integers): deterministic, well spread, and cheap enough for ten million rows.


def _hash(expr: str, multiplier: int, salt: int) -> str:
    return f"((({expr}) * {multiplier} + {salt}) % 4294967296)"


def _case(value: str, choices: tuple[tuple[str, int], ...]) -> str:
    """CASE over `value` in 0..99 picking each choice for its share of 100."""
    parts, upper = [], 0
    for name, share in choices:
        upper += share
        parts.append(f"WHEN {value} < {upper} THEN '{name}'")
    return "CASE " + " ".join(parts) + f" ELSE '{choices[-1][0]}' END"


def _events_select(spec: Spec, first_member: int, members: int) -> tuple[str, str]:
    """The SELECT that makes rows lo..hi (the number n) of the event table, and its FROM clause."""
    h_member, h_mix = _hash("n", 2654435761, 7), _hash("n", 2246822519, 13)
    h_minute = _hash("n", 3266489917, 17)
    # Members by a skewed share (cube of a uniform number): a few heavy users, a long tail.
    high = f"({h_member} / 65536)"  # 16 bits, so that its cube times the members fits in 64 bits
    member = f"{first_member} + {high} * {high} * {high} * {members} / 281474976710656"
    seconds = spec.days * 86400
    # Time rises with n (as files are imported), spread within the minute by a hash.
    offset = f"(n - 1) * {seconds} / {spec.events} + {h_minute} % 60"
    epoch = int(datetime.combine(spec.start, datetime.min.time(), tzinfo=UTC).timestamp())
    platform = f"CASE {h_mix} % 7 WHEN 0 THEN 'desktop' WHEN 1 THEN 'mobile' ELSE 'web' END"
    event = _case(f"({h_mix} / 7 % 100)", EVENT_MIX)
    member_or_null = f"CASE WHEN {h_mix} / 700 % 100 < {SERVICE_ACCOUNT_PER_100} THEN NULL ELSE {member} END"
    if connection.vendor == "postgresql":
        occurred = f"to_timestamp({epoch} + {offset})"
        key = "lpad(to_hex(n), 32, '0')"
        entity = "'conv_' || n::text"
    else:
        occurred = f"strftime('%Y-%m-%d %H:%M:%S', {epoch} + {offset}, 'unixepoch')"
        key = "printf('%032x', n)"
        entity = "'conv_' || n"
    select = (
        f"SELECT {occurred}, {event}, {member_or_null}, 'conversation', {entity}, {platform}, NULL, {key}"
    )
    return select, "n"


def _events_insert(spec: Spec, say) -> None:
    from ingest.db import event_partitions_ensure
    from ingest.models import Event

    first_member, members = _member_ids()
    select, _ = _events_select(spec, first_member, members)
    columns = "occurred_at, event, member_id, entity_type, entity_id, client_platform, upload_id, dedupe_key"
    table = Event._meta.db_table
    first = datetime.combine(spec.start, datetime.min.time(), tzinfo=UTC)
    with transaction.atomic():  # the monthly partitions (PostgreSQL) the events will need
        event_partitions_ensure(first=first, last=first + timedelta(days=spec.days, minutes=1))
    for lo in range(1, spec.events + 1, CHUNK):
        hi = min(lo + CHUNK - 1, spec.events)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {table} ({columns}) {select} FROM generate_series({lo}::bigint, {hi}::bigint) AS s(n)")
            else:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) WITH RECURSIVE s(n) AS (SELECT {lo} UNION ALL SELECT n + 1 FROM s WHERE n < {hi}) "
                    f"{select} FROM s"
                )
        say(f"    events {hi:>11,}  ({(hi - lo + 1) / (time.perf_counter() - started):,.0f} rows/s)")


# --- Claude Code ---------------------------------------------------------------------------------


def _code_usage_insert(spec: Spec) -> None:
    """Usage-report records: every third member, on 70 % of workdays, one terminal a day, one model."""
    from ingest.models import CodeModelUsage, CodeUsage

    first_member, members = _member_ids()
    users = (members + 2) // 3
    days = spec.days
    # Row number n = user * days + day; the record exists on a workday when a hash says so.
    h = _hash("n", 2654435761, 101)
    h2 = _hash("n", 2246822519, 103)
    if connection.vendor == "postgresql":
        numbers = f"generate_series(0::bigint, {users * days - 1}::bigint) AS s(n)"
        day = f"(DATE '{spec.start.isoformat()}' + (n % {days})::int)"
        workday = f"EXTRACT(ISODOW FROM {day}) < 6"
        prefix = ""
    else:
        numbers = "s"
        day = f"date('{spec.start.isoformat()}', '+' || (n % {days}) || ' days')"
        workday = f"strftime('%w', {day}) NOT IN ('0', '6')"
        prefix = f"WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {users * days - 1}) "
    terminal = f"CASE {h} % 4 " + " ".join(f"WHEN {i} THEN '{t}'" for i, t in enumerate(TERMINALS)) + " END"
    table = CodeUsage._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (source, date, member_id, api_key_name, terminal, sessions, lines_added, lines_removed, "
            "commits, pull_requests, edits_accepted, edits_rejected, cost_cents, upload_id) "
            f"{prefix}SELECT 'usage_report', {day}, {first_member} + (n / {days}) * 3, '', {terminal}, "
            f"1 + {h} % 6, {h2} % 400, {h2} % 60, {h} % 4, {h} % 2, {h2} % 30, {h} % 5, ({h2} % 90000) / 100.0, NULL "
            f"FROM {numbers} WHERE {workday} AND {h} / 4 % 100 < 70 AND (n / {days}) * 3 < {members}"
        )
        model = "CASE usage_id % 3 " + " ".join(f"WHEN {i} THEN '{m}'" for i, m in enumerate(MODELS)) + " END"
        cursor.execute(
            f"INSERT INTO {CodeModelUsage._meta.db_table} (usage_id, model, input_tokens, output_tokens, cache_read_tokens, "
            "cache_creation_tokens, cost_cents) "
            f"SELECT id, {model.replace('usage_id', 'id')}, 20000 + id % 50000, 3000 + id % 7000, id % 90000, id % 9000, cost_cents "
            f"FROM {table}"
        )


def _code_days_build(spec: Spec) -> None:
    from ingest.models import CodeUsage
    from usage.services.code_days import code_days_refresh
    from usage.services.rollups import code_member_totals_refresh

    pairs = CodeUsage.objects.filter(member__isnull=False).values_list("member_id", "date").distinct().order_by()
    with transaction.atomic():
        code_days_refresh(member_dates=pairs.iterator(chunk_size=50_000))
        code_member_totals_refresh()  # the weeks follow with rollup_rebuild


def _rollups_build() -> None:
    from portal.selectors import reporting_timezone_get
    from usage.services.rollups import rollup_rebuild

    rollup_rebuild(timezone=reporting_timezone_get())


def _analyze() -> None:
    with connection.cursor() as cursor:
        # VACUUM as autovacuum would by then: index-only scans need the visibility map.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
