"""Importing the Claude Code, analytics-API, spend and ticket files (formats.md §3–§5).

Two phases, so a file is never half-imported and never in memory whole:
1. Read: every record is checked by its parser and written to a temporary file; rejected records
   are counted with their position and reason, records dated before the raw-event retention period
   are skipped. Progress and the heartbeat are visible meanwhile.
2. Store, in one transaction: members are matched by email (case-insensitive) or, for
   OpenTelemetry without an email, by Anthropic account uuid, and created when new; each record
   replaces the stored one with the same key (a revision) or, for OpenTelemetry, is skipped as a
   duplicate when its identity is stored; the member-dates touched are sent to usage, which
   decides their Claude Code figures again (ingest.signals.code_records_changed). A failure rolls
   all of it back.
"""

from __future__ import annotations

import csv
import pickle
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, Q
from django.utils import timezone

from ingest.importers.common import RejectedRow
from ingest.importers.records import (
    AnalyticsSummaryRecord,
    ChatDayRecord,
    CodeDayRecord,
    OtelEventRecord,
    OtelPointRecord,
    SpendRecord,
    TicketRecord,
)
from ingest.models import (
    AnalyticsChatDay,
    AnalyticsSummary,
    CodeModelUsage,
    CodeUsage,
    OtelEvent,
    OtelPoint,
    SpendRow,
    Ticket,
    Upload,
)
from ingest.signals import code_records_changed
from people.models import Member
from people.selectors import pseudonym_period_get
from people.services import population_changed
from portal.privacy import member_pseudonym

REJECTED_SAMPLE_SIZE = 50  # rejected rows kept on the upload (all of them go to its report); audit imports too
PROGRESS_EVERY = 2000  # records between progress writes while reading
SKIPPED = "skipped:"  # prefix, in Upload.unknown_events, of what is known but not kept
READ_SHARE = 90  # percent of the progress bar for reading; storing takes the rest


@dataclass
class CodeImportResult:
    rows_read: int = 0
    rows_rejected: int = 0
    rows_too_old: int = 0
    rows_imported: int = 0
    rows_duplicate: int = 0
    rejected_sample: list[RejectedRow] = field(default_factory=list)  # the first REJECTED_SAMPLE_SIZE
    rejected_csv: IO[str] | None = None  # every rejected record's line and reason, for the report
    unknown: Counter = field(default_factory=Counter)


def code_file_import(*, upload: Upload, opened, kept_from: date, rejected_csv: IO[str]) -> CodeImportResult:
    """Read `opened` (a parser's file object) and store its records for `upload`; rejected
    records go to `rejected_csv` (line, reason) as they are met, so memory stays flat."""
    result = CodeImportResult(rejected_csv=rejected_csv)
    with tempfile.TemporaryFile() as spool:
        for record in _read(opened, upload=upload, result=result, kept_from=kept_from):
            pickle.dump(record, spool, protocol=pickle.HIGHEST_PROTOCOL)
        result.unknown.update(getattr(opened, "unknown", None) or {})
        # Known but not kept (OpenTelemetry events the portal does not use, untagged tickets).
        for name, count in (getattr(opened, "skipped", None) or {}).items():
            result.unknown[f"{SKIPPED}{name}"] = count
        if getattr(opened, "untagged", 0):
            result.unknown[f"{SKIPPED}tickets without the tag"] = opened.untagged
        spool.seek(0)
        with transaction.atomic():
            _store(_spooled(spool), upload=upload, result=result)
    return result


def _read(opened, *, upload: Upload, result: CodeImportResult, kept_from: date) -> Iterator:
    for row in opened.rows():
        result.rows_read += 1
        if result.rows_read % PROGRESS_EVERY == 0:
            Upload.objects.filter(pk=upload.pk).update(
                progress=min(int(opened.progress * READ_SHARE), READ_SHARE),
                rows_read=result.rows_read,
                rows_rejected=result.rows_rejected,
                rows_too_old=result.rows_too_old,
                heartbeat_at=timezone.now(),
            )
        if type(row) is RejectedRow:
            _reject(result, row)
            continue
        if _record_day(row) < kept_from:
            result.rows_too_old += 1
            continue
        yield row


def _reject(result: CodeImportResult, row: RejectedRow) -> None:
    result.rows_rejected += 1
    if len(result.rejected_sample) < REJECTED_SAMPLE_SIZE:
        result.rejected_sample.append(row)
    csv.writer(result.rejected_csv).writerow([row.line, row.reason])


def _record_day(record) -> date:
    if isinstance(record, TicketRecord):
        return record.created_at.date()
    if isinstance(record, OtelEventRecord):
        return record.occurred_at.date()
    return record.date


def _spooled(spool: IO[bytes]) -> Iterator:
    while True:
        try:
            yield pickle.load(spool)
        except EOFError:
            return


# --- storing -----------------------------------------------------------------------------------------


class _Members:
    """Member ids by email and by account uuid, creating members for new emails (seen in logs,
    not on the roster: they join the population as their own part)."""

    def __init__(self, upload: Upload):
        self.upload = upload
        self.by_email: dict[str, int] = {}
        self.by_uuid: dict[str, int | None] = {}
        self.period = pseudonym_period_get()
        self.created = 0

    def resolve(self, emails: set[str], uuids: set[str]) -> None:
        missing = {e for e in emails if e and e not in self.by_email}
        if missing:
            self.by_email.update(Member.objects.filter(email__in=missing).values_list("email", "id"))
            new = missing - self.by_email.keys()
            if new:
                Member.objects.bulk_create(
                    [
                        Member(email=e, pseudonym=member_pseudonym(e, period=self.period), first_upload=self.upload)
                        for e in sorted(new)
                    ],
                    ignore_conflicts=True,
                )
                self.by_email.update(Member.objects.filter(email__in=new).values_list("email", "id"))
                self.created += len(new)
        unknown_uuids = {u for u in uuids if u and u not in self.by_uuid}
        if unknown_uuids:
            found = dict(Member.objects.filter(anthropic_uuid__in=unknown_uuids).values_list("anthropic_uuid", "id"))
            self.by_uuid.update({u: found.get(u) for u in unknown_uuids})

    def member_id(self, email: str, account_uuid: str = "") -> int | None:
        if email:
            return self.by_email[email]
        return self.by_uuid.get(account_uuid) if account_uuid else None


def _chunks(records: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _store(records: Iterator, *, upload: Upload, result: CodeImportResult) -> None:
    members = _Members(upload)
    touched: set[tuple[int, date]] = set()
    account_ids: dict[int, str] = {}
    for chunk in _chunks(records, settings.IMPORT_BATCH_SIZE):
        emails = {r.email for r in chunk if getattr(r, "email", "")}
        uuids = {r.account_uuid for r in chunk if not getattr(r, "email", "") and getattr(r, "account_uuid", "")}
        members.resolve(emails, uuids)
        by_type: dict[type, list] = defaultdict(list)
        for record in chunk:
            by_type[type(record)].append(record)
        for kind, group in by_type.items():
            _STORE[kind](group, members=members, upload=upload, result=result, touched=touched)
        for record in by_type.get(CodeDayRecord, ()):
            if record.email and record.account_id:
                account_ids[members.member_id(record.email)] = record.account_id
        Upload.objects.filter(pk=upload.pk).update(heartbeat_at=timezone.now())
    for member_id, account_id in account_ids.items():
        Member.objects.filter(pk=member_id).exclude(anthropic_user_id=account_id).update(anthropic_user_id=account_id)
    if touched:
        code_records_changed.send(sender=Upload, member_dates=touched)
    if members.created or touched:
        population_changed()


def _delete_matching(model, fields: tuple[str, ...], keys: Iterable[tuple]) -> None:
    """Delete the stored rows whose `fields` equal one of `keys` (the records a revision replaces).
    Candidates are narrowed by each field's values, then matched exactly: one OR per key would
    exceed SQLite's expression depth at a batch's size. A None in a key matches NULL."""
    keys = set(keys)
    if not keys:
        return
    candidates = model.objects.all()
    for position, name in enumerate(fields):
        values = {key[position] for key in keys}
        present = values - {None}
        condition = Q(**{f"{name}__in": present}) if present else Q(pk__in=[])
        if None in values:
            condition |= Q(**{f"{name}__isnull": True})
        candidates = candidates.filter(condition)
    doomed = [pk for pk, *values in candidates.values_list("pk", *fields) if tuple(values) in keys]
    for start in range(0, len(doomed), 900):
        model.objects.filter(pk__in=doomed[start : start + 900]).delete()


def _store_code_days(records: list[CodeDayRecord], *, members, upload, result, touched) -> None:
    rows = []
    for r in records:
        member_id = members.member_id(r.email) if r.email else None
        rows.append((r, member_id))
        if member_id:
            touched.add((member_id, r.date))
    # The same key twice in one file: the later record is the revision.
    latest = {
        (r.source, r.date, r.terminal, member_id, "" if member_id else r.api_key_name): (r, member_id) for r, member_id in rows
    }
    _delete_matching(CodeUsage, ("source", "date", "terminal", "member_id", "api_key_name"), latest)  # and their models
    ids = _rows_insert(
        CodeUsage,
        ("source", "date", "member", "api_key_name", "terminal", *_CODE_FIGURES, "cost_cents", "upload"),
        [
            (r.source, r.date, member_id, "" if member_id else r.api_key_name, r.terminal,
             *(getattr(r, f) for f in _CODE_FIGURES), r.cost_cents, upload.pk)
            for r, member_id in latest.values()
        ],
        returning_ids=True,
    )
    _rows_insert(
        CodeModelUsage,
        ("usage", "model", "input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens", "cost_cents"),
        [
            (usage_id, m.model, m.input_tokens, m.output_tokens, m.cache_read_tokens, m.cache_creation_tokens, m.cost_cents)
            for usage_id, (r, _) in zip(ids, latest.values(), strict=True)
            for m in r.models
        ],
    )
    result.rows_imported += len(records)


def _store_otel_points(records: list[OtelPointRecord], *, members, upload, result, touched) -> None:
    rows = []
    for r in _unseen(OtelPoint, records, result):
        member_id = members.member_id(r.email, r.account_uuid)
        rows.append((r.identity, r.metric, r.date, member_id, r.terminal, r.kind, r.model, r.tool, r.value, upload.pk))
        if member_id:
            touched.add((member_id, r.date))
    _rows_insert(OtelPoint, ("identity", "metric", "date", "member", "terminal", "kind", "model", "tool", "value", "upload"), rows)
    result.rows_imported += len(rows)


def _store_otel_events(records: list[OtelEventRecord], *, members, upload, result, touched) -> None:
    rows = [
        (
            r.identity, r.name, r.occurred_at, r.occurred_at.date(), members.member_id(r.email, r.account_uuid),
            r.terminal, r.plugin, r.skill, r.mcp_server, r.model, r.cost_usd, r.status, upload.pk,
        )
        for r in _unseen(OtelEvent, records, result)
    ]
    columns = ("identity", "name", "occurred_at", "date", "member", "terminal", "plugin", "skill", "mcp_server", "model",
               "cost_usd", "status", "upload")
    _rows_insert(OtelEvent, columns, rows)
    result.rows_imported += len(rows)
    # The weekly rollups count plugin events.
    touched.update((member_id, day) for _, _, _, day, member_id, *_ in rows if member_id is not None)


_CODE_FIGURES = ("sessions", "lines_added", "lines_removed", "commits", "pull_requests", "edits_accepted", "edits_rejected")
_MAX_PARAMETERS = 30_000  # per statement: under SQLite's 32,766 and PostgreSQL's 65,535


def _rows_insert(model, fields: tuple[str, ...], rows: list[tuple], *, returning_ids: bool = False) -> list[int]:
    """Insert `rows` (values in the order of `fields`, foreign keys as ids) in multi-row statements,
    and return the new ids in order when asked (in the order RETURNING gives them, as the ORM's
    bulk_create also assumes). The ORM's bulk_create spends more per row preparing
    each value than the database spends storing it (a third of a usage-report import)."""
    columns = [model._meta.get_field(name) for name in fields]
    ops = connection.ops
    adapters = [
        ops.adapt_datetimefield_value if isinstance(column, DateTimeField)
        else ops.adapt_datefield_value if isinstance(column, DateField)
        else None
        for column in columns
    ]
    per_statement = max(1, _MAX_PARAMETERS // len(fields))
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {model._meta.db_table} ({', '.join(ops.quote_name(c.column) for c in columns)}) VALUES "
    tail = f" RETURNING {ops.quote_name(model._meta.pk.column)}" if returning_ids else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params = [
                adapt(value) if adapt is not None and value is not None else value
                for row in batch
                for adapt, value in zip(adapters, row, strict=True)
            ]
            cursor.execute(head + ", ".join([one_row] * len(batch)) + tail, params)
            if returning_ids:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _unseen(model, records: list, result: CodeImportResult) -> list:
    """The OpenTelemetry records whose identity is stored neither already nor earlier in the file;
    the others are counted as duplicates."""
    identities = {r.identity for r in records}
    new = identities - set(model.objects.filter(identity__in=identities).values_list("identity", flat=True))
    unseen = []
    for r in records:
        if r.identity in new:
            new.discard(r.identity)
            unseen.append(r)
        else:
            result.rows_duplicate += 1
    return unseen


def _store_spend(records: list[SpendRecord], *, members, upload, result, touched) -> None:
    latest = {}
    for r in records:
        member_id = members.member_id(r.email, r.account_uuid)
        if member_id is None:
            _reject(result, RejectedRow(r.line, "no email, and no member carries its account uuid"))
            continue
        latest[(r.date, member_id, r.product, r.model)] = r
    _delete_matching(SpendRow, ("date", "member_id", "product", "model"), latest)
    SpendRow.objects.bulk_create(
        [
            SpendRow(
                date=day,
                member_id=member_id,
                product=product,
                model=model,
                requests=r.requests,
                prompt_tokens=r.prompt_tokens,
                completion_tokens=r.completion_tokens,
                net_spend_usd=r.net_spend_usd,
                gross_spend_usd=r.gross_spend_usd,
                upload=upload,
            )
            for (day, member_id, product, model), r in latest.items()
        ]
    )
    result.rows_imported += len(latest)


def _store_tickets(records: list[TicketRecord], *, members, upload, result, touched) -> None:
    latest = {(r.helpdesk, r.ticket_id): r for r in records}
    _delete_matching(Ticket, ("helpdesk", "ticket_id"), latest)
    Ticket.objects.bulk_create(
        [
            Ticket(
                helpdesk=r.helpdesk,
                ticket_id=r.ticket_id,
                created_at=r.created_at,
                member_id=members.member_id(r.email),
                tags=list(r.tags),
                upload=upload,
            )
            for r in latest.values()
        ]
    )
    result.rows_imported += len(latest)


def _store_summaries(records: list[AnalyticsSummaryRecord], *, members, upload, result, touched) -> None:
    latest = {r.date: r for r in records}
    AnalyticsSummary.objects.filter(date__in=latest).delete()
    AnalyticsSummary.objects.bulk_create(
        [
            AnalyticsSummary(
                date=r.date,
                daily_active_users=r.daily_active_users,
                weekly_active_users=r.weekly_active_users,
                monthly_active_users=r.monthly_active_users,
                assigned_seats=r.assigned_seats,
                pending_invites=r.pending_invites,
                upload=upload,
            )
            for r in latest.values()
        ]
    )
    result.rows_imported += len(latest)


def _store_chat_days(records: list[ChatDayRecord], *, members, upload, result, touched) -> None:
    latest = {(r.date, members.member_id(r.email)): r for r in records if r.email}
    _delete_matching(AnalyticsChatDay, ("date", "member_id"), latest)
    AnalyticsChatDay.objects.bulk_create(
        [
            AnalyticsChatDay(date=day, member_id=member_id, conversations=r.conversations, messages=r.messages, upload=upload)
            for (day, member_id), r in latest.items()
        ]
    )
    result.rows_imported += len(latest)


_STORE = {
    CodeDayRecord: _store_code_days,
    OtelPointRecord: _store_otel_points,
    OtelEventRecord: _store_otel_events,
    SpendRecord: _store_spend,
    TicketRecord: _store_tickets,
    AnalyticsSummaryRecord: _store_summaries,
    ChatDayRecord: _store_chat_days,
}
