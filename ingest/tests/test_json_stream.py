"""The streaming JSON array scanner shared by the audit log's JSON export and the API pages: items of a
top-level array or of the array under a key of a top-level object, whatever the chunk boundaries."""

from __future__ import annotations

import io
import json
import random

import pytest

from ingest.importers import json_stream
from ingest.importers.common import ImportLimits, RejectedRow, UnsupportedFile
from ingest.importers.json_stream import JsonArrayItems

TRICKY = ['a"b', "back\\slash", "{[,]}:", "é\u2028", "\\", '\\"']


def items(text: str | bytes, **kwargs) -> list:
    data = text.encode() if isinstance(text, str) else text
    return [item for _, item in JsonArrayItems(io.BytesIO(data), **kwargs)]


def random_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice([1, -2.5, True, None, rng.choice(TRICKY), "x" * rng.randint(0, 30), 10**20])
    if roll < 0.6:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(TRICKY) + str(i): random_value(rng, depth + 1) for i in range(rng.randint(0, 3))}


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 16])
def test_the_array_under_a_key_is_read_whatever_the_key_order_and_chunk_boundaries(monkeypatch, chunk):
    monkeypatch.setattr(json_stream, "CHUNK", chunk)
    rng = random.Random(chunk)
    for _ in range(200):
        wanted = [random_value(rng) for _ in range(rng.randint(0, 4))]
        others = {f"k{i}{rng.choice(TRICKY)}": random_value(rng) for i in range(rng.randint(0, 3))}
        members = [*others.items(), ("data", wanted)]
        rng.shuffle(members)
        text = json.dumps(dict(members), ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2]))
        scanner = JsonArrayItems(io.BytesIO(text.encode()), key="data")
        assert [item for _, item in scanner] == wanted, text
        assert scanner.key == "data"
        assert scanner.envelope == {k: v for k, v in others.items() if not isinstance(v, (dict, list))}
        assert items(json.dumps(wanted)) == wanted  # the top-level array, as the audit log has it


def test_items_are_numbered_from_one_and_the_envelope_keeps_the_short_scalars():
    text = (
        '{"has_more": true, "data": [{"a": 1}, {"a": 2}], "next_page": "page_x", "meta": {"n": 1}, "long": "' + "y" * 2000 + '"}'
    )
    scanner = JsonArrayItems(io.BytesIO(text.encode()), key="data")
    assert list(scanner) == [(1, {"a": 1}), (2, {"a": 2})]
    assert scanner.envelope == {"has_more": True, "next_page": "page_x"}


def test_one_of_several_keys_is_read_and_says_which():
    scanner = JsonArrayItems(io.BytesIO(b'{"summaries": [1, 2]}'), key=("summaries", "data"))
    assert [item for _, item in scanner] == [1, 2]
    assert scanner.key == "summaries"


@pytest.mark.parametrize(
    "text",
    [
        '{"data": [1, 2], "data": [3]}',  # the key twice
        '{"summaries": [1], "data": [2]}',  # two of the keys
        '{"data": {"a": 1}}',  # not an array
        '{"other": [1]}',  # no such key
        "[1, 2]",  # not an object
        '"data"',
    ],
)
def test_a_file_without_exactly_one_array_under_the_key_is_not_found(text):
    with pytest.raises(UnsupportedFile, match="^Expected a page$"):
        items(text, key=("summaries", "data"), not_found="Expected a page")


@pytest.mark.parametrize(
    "text",
    [
        '{"data": [1, 2]',
        '{"data": [1, 2], }',
        '{"data": [1, 2] "x": 1}',
        '{"data": [1, 2,]}',
        '{"data": [1 2]}',
        '{"x": tru, "data": []}',
        '{"x": "unterminated, "data": []}',
        '{"data": [1]}{"data": [2]}',
        '{"data": [{"a": 1}, {"a": }]}',
        "",
    ],
)
def test_malformed_json_fails_the_file(text):
    with pytest.raises(UnsupportedFile, match="malformed or ends early"):
        items(text, key="data")


def test_the_item_limits_are_rejected_items_and_the_rest_go_on():
    limits = ImportLimits(max_row_chars=200, max_field_chars=50, max_json_depth=4)
    long_item = {"v": list(range(100))}
    long_string = {"v": "s" * 60}
    deep = {"v": [[[[[1]]]]]}
    skipped = '{"skipped": {"deep": ' + "[" * 100 + "]" * 100 + ', "long": "' + "z" * 500 + '"}, '
    text = skipped + '"data": ' + json.dumps([{"ok": 1}, long_item, long_string, deep, {"ok": 2}]) + "}"
    got = list(JsonArrayItems(io.BytesIO(text.encode()), limits, key="data", noun="record"))
    assert got == [
        (1, {"ok": 1}),
        (2, RejectedRow(2, "the record is longer than 0.195312 KiB (IMPORT_MAX_ROW_BYTES)")),
        (3, RejectedRow(3, "a value is longer than 0.0488281 KiB (IMPORT_MAX_FIELD_BYTES)")),
        (4, RejectedRow(4, "the record is nested more than 4 levels deep")),
        (5, {"ok": 2}),
    ]


def test_parse_float_keeps_amounts_exact():
    from decimal import Decimal

    assert items('{"data": [0.1, 3]}', key="data", parse_float=Decimal) == [Decimal("0.1"), 3]


def plain_value(rng: random.Random, depth: int = 0):
    """ASCII without escapes: its length as written is its length as read."""
    roll = rng.random()
    if depth > 6 or roll < 0.3:
        return rng.choice([12345, -2.5, True, None, "w" * rng.randint(0, 60)])
    if roll < 0.6:
        return [plain_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {f"k{i}": plain_value(rng, depth + 1) for i in range(rng.randint(0, 3))}


def test_the_limits_give_the_same_rows_whatever_the_chunk_boundaries(monkeypatch):
    """Items are parsed whole where they fit in what was read, and by the scanner past that: both
    ways apply the limits alike."""
    rng = random.Random(5)
    for _ in range(100):
        limits = ImportLimits(
            max_row_chars=rng.randint(20, 300), max_field_chars=rng.randint(5, 80), max_json_depth=rng.randint(1, 6)
        )
        text = json.dumps({"data": [plain_value(rng) for _ in range(rng.randint(1, 6))]})
        results = []
        for chunk in (1, 2, 5, 1 << 16):
            monkeypatch.setattr(json_stream, "CHUNK", chunk)
            results.append(list(JsonArrayItems(io.BytesIO(text.encode()), limits, key="data", noun="record")))
        assert results[0] == results[1] == results[2] == results[3], (limits, text)


def test_a_number_cut_by_a_chunk_boundary_is_read_whole(monkeypatch):
    monkeypatch.setattr(json_stream, "CHUNK", 4)
    assert items('{"data": [1234567, 89]}', key="data") == [1234567, 89]
    assert items("[1234567,\n89]") == [1234567, 89]


def test_a_character_cut_by_a_chunk_boundary_is_read_whole(monkeypatch):
    monkeypatch.setattr(json_stream, "CHUNK", 1)
    assert items('{"data": ["é€😀"], "x": "ü"}'.encode(), key="data") == ["é€😀"]


def test_text_that_is_not_utf_8_is_not_taken_for_json():
    with pytest.raises(UnicodeDecodeError):
        items(b'{"data": ["\xff"]}', key="data")
