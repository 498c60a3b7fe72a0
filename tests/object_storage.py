"""S3-compatible object storage for tests: moto's server on loopback, in a process of its
own, with public buckets that the site's media go to.

    server = object_storage.start(log_path=tmp_path / "moto.log")
    try:
        bucket = server.create_bucket("adda-media")
        env = site_env | bucket.env   # the variables an app server needs to use the bucket
        ...
        bucket.keys()                 # what the bucket holds, e.g. "renditions/…/bild.…webp"
    finally:
        server.stop()

or ``with object_storage.running() as server:``. Standard library and boto3 only, so that
it serves tests that start app servers as processes as well as tests in this process.
"""

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3

HOST = "127.0.0.1"
REGION = "us-east-1"
# moto accepts any key pair; boto3 needs one to sign its requests at all.
ACCESS_KEY_ID = "moto-test-key"
SECRET_ACCESS_KEY = "moto-test-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Bucket:
    server: "ObjectStorageServer"
    name: str

    @property
    def public_url(self) -> str:
        """The bucket's public address (path style), which pages link media from."""
        return f"{self.server.endpoint_url}/{self.name}/"

    @property
    def env(self) -> dict[str, str]:
        """The environment variables that put an app server's media in this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.server.endpoint_url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        }

    def keys(self, prefix: str = "") -> list[str]:
        pages = (
            self.server.client()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=self.name, Prefix=prefix)
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.name, Key=key)["Body"].read()

    def empty(self) -> None:
        client = self.server.client()
        for key in self.keys():
            client.delete_object(Bucket=self.name, Key=key)


@dataclass
class ObjectStorageServer:
    process: subprocess.Popen
    endpoint_url: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def create_bucket(self, name: str = "adda-media") -> Bucket:
        """A bucket whose objects anyone may read, as the site's media bucket is. Public
        by bucket policy rather than by each object's ACL, which AWS now switches off."""
        client = self.client()
        client.create_bucket(Bucket=name)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{name}/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
        return Bucket(self, name)

    def stop(self) -> None:
        """Stop the server's process (by its pid), whatever state it is in."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _answers(endpoint_url: str) -> bool:
    try:
        with urllib.request.urlopen(endpoint_url + "/", timeout=1) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def start(*, log_path: Path | None = None, timeout: float = 30) -> ObjectStorageServer:
    """Start moto's S3 server on a free loopback port and wait until it answers.
    RuntimeError if it does not; its output goes to ``log_path`` (else nowhere)."""
    # Another process can take the free port before moto binds it: then try another.
    for _attempt in range(3):
        port = _free_port()
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            if log_path:
                log.close()
        server = ObjectStorageServer(process, f"http://{HOST}:{port}")
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if _answers(server.endpoint_url):
                return server
            time.sleep(0.1)
        server.stop()
    output = log_path.read_text(errors="replace")[-3000:] if log_path else ""
    raise RuntimeError(f"moto's S3 server did not start:\n{output}")


@contextlib.contextmanager
def running(*, log_path: Path | None = None) -> Iterator[ObjectStorageServer]:
    """moto's S3 server until the block ends, then stopped whatever happened in it."""
    server = start(log_path=log_path)
    try:
        yield server
    finally:
        server.stop()
