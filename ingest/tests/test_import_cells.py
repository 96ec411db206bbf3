"""The dict-valued cells of an audit-log export and the normalisation of one row (formats.md §1.2, §1.4).

Pure parser tests: no database.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.importers.audit_log import AuditRecord, RejectedRow, normalise_row
from ingest.importers.info_cell import UnreadableCell, parse_info_cell

UUID = "5b0e4a52-0d6c-4c1e-9a53-3f1a7d2c9e01"
ENTITY = "0c5a8f7e-1b2d-4e3f-8a9b-7c6d5e4f3a21"


def _actor(name_literal: str, email: str = "reece@example.com") -> str:
    """An actor cell as the export writes it, with the name spelled exactly as given."""
    return f"{{'name': {name_literal}, 'uuid': '{UUID}', 'metadata': {{'email_address': '{email}'}}}}"


def _row(**cells) -> AuditRecord | RejectedRow:
    values = {
        "line": 2,
        "created_at": "2025-10-01T09:00:00.123456Z",
        "event": "conversation_created",
        "actor_info": _actor("'Pat Example'", "pat@example.com"),
        "entity_info": f"{{'type': 'chat_conversation', 'uuid': '{ENTITY}'}}",
        "device_id": "d-1",
        "client_platform": "web_claude_ai",
    }
    values.update(cells)
    return normalise_row(**values)


# --- parse_info_cell / parse_actor_cell -------------------------------------------------------


def test_a_python_repr_actor_cell_gives_name_uuid_and_email():
    parsed = parse_info_cell(_actor("'Pat Example'", "pat@example.com"))
    assert parsed == {"name": "Pat Example", "uuid": UUID, "metadata": {"email_address": "pat@example.com"}}


def test_a_json_actor_cell_is_read_as_json_with_null_and_true():
    cell = '{"name": "Pat Example", "uuid": "%s", "metadata": {"email_address": null, "admin": true}}' % UUID
    assert parse_info_cell(cell) == {"name": "Pat Example", "uuid": UUID, "metadata": {"email_address": None, "admin": True}}


def test_python_none_true_and_false_are_read_as_python_values():
    cell = f"{{'type': 'chat_project', 'uuid': '{ENTITY}', 'metadata': {{'is_private': True, 'x': False, 'y': None}}}}"
    parsed = parse_info_cell(cell)
    assert parsed["uuid"] == ENTITY
    assert parsed["type"] == "chat_project"


def test_a_cpython_double_quoted_apostrophe_name_is_read_whole():
    # CPython's repr of "Dana O'Neil" uses double quotes; swapping quotes would break it.
    assert parse_info_cell(_actor('"Dana O\'Neil"'))["name"] == "Dana O'Neil"


def test_an_unquotable_apostrophe_name_inside_single_quotes_is_extracted_tolerantly():
    # 'Reece O'Sullivan' is neither JSON nor a Python literal.
    cell = _actor("'Reece O'Sullivan'")
    parsed = parse_info_cell(cell)
    assert parsed == {"name": "Reece O'Sullivan", "uuid": UUID, "metadata": {"email_address": "reece@example.com"}}


def test_a_name_with_double_quotes_inside_single_quotes_is_not_mangled():
    # A naive quote swap turns this into broken JSON; the literal reads it as written.
    assert parse_info_cell(_actor("""'Sam "Hammer" Example'"""))["name"] == 'Sam "Hammer" Example'


def test_an_escaped_apostrophe_in_a_python_literal_is_unescaped():
    assert parse_info_cell(_actor(r"'Dana O\'Neil'"))["name"] == "Dana O'Neil"


def test_non_ascii_names_are_kept_verbatim():
    assert parse_info_cell(_actor("'Zoë Ångström-Łukasz'"))["name"] == "Zoë Ångström-Łukasz"


@pytest.mark.parametrize("cell", ["", "   ", "{}", "None", "null", None, {}])
def test_empty_cells_read_as_empty_dicts(cell):
    assert parse_info_cell(cell) == {}


@pytest.mark.parametrize("cell", ["not a dict", "[1, 2]", "{garbage without keys}", "42", 42, ["a"]])
def test_a_cell_with_nothing_readable_raises_unreadable_cell(cell):
    with pytest.raises(UnreadableCell):
        parse_info_cell(cell)


def test_a_dict_from_json_input_passes_through_unchanged():
    value = {"name": "Pat", "uuid": UUID}
    assert parse_info_cell(value) is value


@pytest.mark.parametrize(
    "cell",
    [
        f"{{'type': 'chat_conversation', 'uuid': '{ENTITY}'}}",
        f"{{'type': 'chat_conversation', 'uuid': '{ENTITY}', 'metadata': {{'project_uuid': None}}}}",
        f"{{'type': 'chat_project', 'uuid': '{ENTITY}', 'metadata': {{'is_private': True}}}}",
        f"{{'type': 'chat_project_document', 'uuid': '{ENTITY}', 'metadata': {{'project_uuid': '{UUID}'}}}}",
    ],
)
def test_the_entity_fast_path_agrees_with_the_python_literal(cell):
    import ast

    full = ast.literal_eval(cell)
    parsed = parse_info_cell(cell)
    assert (parsed["type"], parsed["uuid"]) == (full["type"], full["uuid"])


def test_a_tolerant_entity_cell_still_gives_type_and_uuid():
    cell = f"{{'type': 'chat_conversation', 'uuid': '{ENTITY}', 'metadata': {{'title': 'Pat's plan'}}}}"
    parsed = parse_info_cell(cell)
    assert (parsed["type"], parsed["uuid"]) == ("chat_conversation", ENTITY)


# --- normalise_row ---------------------------------------------------------------------------


def test_a_full_row_becomes_a_record_with_lower_cased_email_and_coarse_platform():
    record = _row(actor_info=_actor("'Pat Example'", "Pat.Example@Example.COM"), client_platform="desktop_app")
    assert isinstance(record, AuditRecord)
    assert record.line == 2
    assert record.occurred_at == datetime(2025, 10, 1, 9, 0, 0, 123456, tzinfo=UTC)
    assert record.event == "conversation_created"
    assert record.actor_email == "pat.example@example.com"
    assert record.actor_name == "Pat Example"
    assert record.actor_uuid == UUID
    assert (record.entity_type, record.entity_id) == ("chat_conversation", ENTITY)
    assert record.client_platform == "desktop"


@pytest.mark.parametrize(
    "raw, platform",
    [("web_claude_ai", "web"), ("desktop_app", "desktop"), ("ios", "mobile"), ("android", "mobile"),
     ("", ""), ("None", ""), ("smart_fridge", "other")],
)
def test_client_platform_is_coarsened(raw, platform):
    assert _row(client_platform=raw).client_platform == platform


@pytest.mark.parametrize(
    "spelling",
    [
        "2025-09-03T11:30:00Z",
        "2025-09-03T11:30:00+00:00",
        "2025-09-03T11:30:00.000000Z",
        "2025-09-03T11:30:00.000000+00:00",
        "2025-09-03T11:30:00.000Z",
        "2025-09-03 11:30:00Z",
        "2025-09-03 11:30:00.000000Z",
        "2025-09-03T13:30:00+02:00",
        "2025-09-03T07:30:00.000000-04:00",
        "  2025-09-03T11:30:00Z  ",
        "2025-09-03t11:30:00z",
        "2025-09-03T11:30:00.000000z",
    ],
)
def test_every_spelling_of_one_instant_gives_the_same_instant_and_dedupe_key(spelling):
    reference = _row(created_at="2025-09-03T11:30:00.000000Z")
    record = _row(created_at=spelling)
    assert record.occurred_at == datetime(2025, 9, 3, 11, 30, tzinfo=UTC)
    assert record.occurred_at.utcoffset().total_seconds() == 0
    assert record.dedupe_key == reference.dedupe_key


def test_a_microsecond_apart_is_another_event():
    assert _row(created_at="2025-09-03T11:30:00.000001Z").dedupe_key != _row(created_at="2025-09-03T11:30:00Z").dedupe_key


@pytest.mark.parametrize(
    "change",
    [
        {"event": "conversation_deleted"},
        {"entity_info": "{'type': 'chat_conversation', 'uuid': 'another-entity'}"},
        {"device_id": "d-2"},
        {"actor_info": _actor("'Pat Example'", "someone.else@example.com").replace(UUID, "other-uuid")},
    ],
)
def test_event_name_entity_device_and_actor_are_part_of_the_identity(change):
    assert _row(**change).dedupe_key != _row().dedupe_key


def test_name_platform_and_quoting_are_not_part_of_the_identity():
    json_actor = '{"name": "P. Example", "uuid": "%s", "metadata": {"email_address": "PAT@example.com"}}' % UUID
    other = _row(actor_info=json_actor, client_platform="ios", entity_info='{"type": "chat_conversation", "uuid": "%s"}' % ENTITY)
    assert other.dedupe_key == _row().dedupe_key


def test_without_an_actor_uuid_the_email_identifies_the_actor_case_insensitively():
    upper = _row(actor_info="{'name': 'Pat', 'metadata': {'email_address': 'PAT@Example.com'}}")
    lower = _row(actor_info="{'name': 'Pat', 'metadata': {'email_address': 'pat@example.com'}}")
    other = _row(actor_info="{'name': 'Pat', 'metadata': {'email_address': 'kim@example.com'}}")
    assert upper.dedupe_key == lower.dedupe_key != other.dedupe_key


@pytest.mark.parametrize("device", ["", "None", "null", None])
def test_a_missing_device_id_is_one_and_the_same_whatever_its_spelling(device):
    assert _row(device_id=device).dedupe_key == _row(device_id="").dedupe_key


def test_a_service_account_has_no_email_and_no_name():
    record = _row(actor_info=f"{{'name': 'Example Reconciliation service', 'uuid': '{UUID}', 'metadata': {{}}}}")
    assert isinstance(record, AuditRecord)
    assert (record.actor_email, record.actor_name, record.actor_uuid) == ("", "", UUID)


@pytest.mark.parametrize("actor", ["", "{}", "None", None, {}])
def test_a_row_without_actor_is_a_record_of_no_one(actor):
    record = _row(actor_info=actor)
    assert isinstance(record, AuditRecord)
    assert (record.actor_email, record.actor_uuid) == ("", "")


def test_a_null_email_is_no_email():
    record = _row(actor_info=f"{{'name': 'Bot', 'uuid': '{UUID}', 'metadata': {{'email_address': None}}}}")
    assert record.actor_email == ""


def test_json_values_are_accepted_as_well_as_csv_text():
    record = _row(
        actor_info={"name": "Pat Example", "uuid": UUID, "metadata": {"email_address": "pat@example.com"}},
        entity_info={"type": "chat_conversation", "uuid": ENTITY},
        device_id=None,
        client_platform=None,
    )
    assert record.actor_email == "pat@example.com"
    assert record.dedupe_key == _row(device_id="").dedupe_key


@pytest.mark.parametrize(
    "cells, reason",
    [
        ({"created_at": "yesterday"}, "created_at is not an ISO 8601 timestamp"),
        ({"created_at": "03/09/2025 11:30"}, "created_at is not an ISO 8601 timestamp"),
        ({"created_at": "z"}, "created_at is not an ISO 8601 timestamp"),
        ({"created_at": "2025-09-03T11:30:00UTC"}, "created_at is not an ISO 8601 timestamp"),
        ({"created_at": ""}, "missing created_at timestamp"),
        ({"created_at": None}, "missing created_at timestamp"),
        ({"created_at": "2025-09-03T11:30:00"}, "created_at has no UTC offset (was the file re-saved by a spreadsheet?)"),
        ({"created_at": "2025-09-03T11:30:00.000000"}, "created_at has no UTC offset (was the file re-saved by a spreadsheet?)"),
        ({"event": ""}, "missing event name"),
        ({"event": "   "}, "missing event name"),
        ({"event": None}, "missing event name"),
        ({"actor_info": "Pat Example <pat@example.com>"}, "actor_info could not be read"),
        ({"actor_info": ["pat@example.com"]}, "actor_info could not be read"),
        ({"entity_info": "chat_conversation"}, "entity_info could not be read"),
        ({"event": "conversation\x00created"}, "event name holds a NUL character"),
        ({"actor_info": _actor("'Nu\x00l Example'")}, "actor_info could not be read"),
        ({"entity_info": "{'type': 'file', 'uuid': 'file\x00-1'}"}, "entity_info could not be read"),
        ({"event": "x" * 101}, "event name is longer than 100 characters"),
        ({"entity_info": "{'type': 'file', 'uuid': '%s'}" % ("u" * 101)}, "entity_info uuid is longer than 100 characters"),
        ({"entity_info": "{'type': '%s', 'uuid': 'u'}" % ("t" * 51)}, "entity_info type is longer than 50 characters"),
        ({"actor_info": _actor("'Pat'", "p" * 250 + "@example.com")}, "actor email is longer than 254 characters"),
        ({"actor_info": _actor("'Pat'").replace(UUID, "u" * 65)}, "actor uuid is longer than 64 characters"),
    ],
)
def test_an_unreadable_row_is_rejected_with_its_line_and_reason(cells, reason):
    assert _row(line=17, **cells) == RejectedRow(17, reason)


def test_values_at_the_column_limits_are_accepted():
    record = _row(event="e" * 100, entity_info="{'type': '%s', 'uuid': '%s'}" % ("t" * 50, "u" * 100))
    assert isinstance(record, AuditRecord)


def test_an_overlong_name_is_cut_to_the_column_size_rather_than_rejected():
    record = _row(actor_info=_actor("'%s'" % ("N" * 300), "pat@example.com"))
    assert record.actor_name == "N" * 200
