"""Uploads in S3-compatible storage (UPLOAD_STORAGE=s3, settings._file_storage): stored through
the upload service, read back and imported through Django's storage API, with nothing on the
local disk. The S3 server is moto's, a real HTTP endpoint on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile

from ingest.models import Upload
from ingest.services.uploads import upload_create, upload_process
from testing import SAMPLES
from usage_portal import settings as portal_settings

BUCKET = "portal-uploads"


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("moto's S3 server did not start") from None
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(10)


@pytest.fixture
def s3_storage(s3_endpoint, settings, monkeypatch, tmp_path):
    """The settings' own S3 storage, as these variables configure it."""
    for name, value in {
        "UPLOAD_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_LOCATION": "portal",
        "AWS_ACCESS_KEY_ID": "portal-test-key",
        "AWS_SECRET_ACCESS_KEY": "portal-test-secret",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty
    settings.STORAGES = {**settings.STORAGES, "default": portal_settings._file_storage()}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_an_upload_is_stored_in_the_bucket_and_imported_from_it(db, s3_storage, settings):
    content = (SAMPLES / "claude_enterprise_audit_export.zip").read_bytes()
    upload = upload_create(file=ContentFile(content, name="export.zip"), name="export.zip", queue=False)

    keys = [item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"portal/{upload.file.name}"]
    assert upload.file.name.startswith("uploads/")
    with upload.file.open("rb") as stored:  # read back through Django's storage API
        assert stored.read() == content

    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == Upload.Status.DONE, upload.error
    assert (upload.rows_read, upload.rows_imported, upload.rows_rejected) == (26, 26, 0)
    assert not settings.MEDIA_ROOT.exists()  # nothing was written to the local disk


def test_two_uploads_of_one_name_keep_two_objects(db, s3_storage):
    first = upload_create(file=ContentFile(b"first", name="export.csv"), name="export.csv", queue=False)
    second = upload_create(file=ContentFile(b"second", name="export.csv"), name="export.csv", queue=False)
    assert first.file.name != second.file.name
    with first.file.open("rb") as one, second.file.open("rb") as two:
        assert (one.read(), two.read()) == (b"first", b"second")


def test_s3_without_a_bucket_is_refused(monkeypatch):
    monkeypatch.setenv("UPLOAD_STORAGE", "s3")
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    with pytest.raises(portal_settings.ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        portal_settings._file_storage()
