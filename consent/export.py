"""What the organisation hands over about consent: records as CSV, and the package a
supervisory authority asks for (GDPR art. 7.1: showing what a visitor agreed to)."""

import csv
import io
import json
import zipfile
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from .models import ConsentRecord, Cookie, GatedScript, PolicyVersion


def records_csv(records: QuerySet[ConsentRecord]) -> str:
    """One row per record, with everything its hash covers and the hash itself."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "consent_id",
            "created_at",
            "policy_version",
            "texts_sha256",
            "method",
            "choices",
            "previous_hash",
            "record_hash",
        ]
    )
    for r in records.select_related("policy_version", "texts"):
        writer.writerow(
            [
                r.consent_id,
                r.created_at.isoformat(),
                r.policy_version.number,
                r.texts.sha256,
                r.method,
                json.dumps(r.choices, sort_keys=True),
                r.previous_hash,
                r.record_hash,
            ]
        )
    return out.getvalue()


def authority_package(records: QuerySet[ConsentRecord]) -> bytes:
    """A zip of the records, the policy texts they refer to, every policy version, the
    cookies in force and the log of script changes since the first record."""
    records = records.select_related("policy_version", "texts").order_by("id")
    first = records.first()
    since = first.created_at if first else timezone.now() - timedelta(days=365)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("samtyckesposter.csv", records_csv(records))
        texts = {r.texts.sha256: r.texts.snapshot for r in records}
        pack.writestr("policytexter.json", _json(texts))
        pack.writestr("policyversioner.json", _json(_policy_versions()))
        pack.writestr("cookiedeklarationer.json", _json(_cookies()))
        pack.writestr("skriptlogg.json", _json(_script_changes(since)))
    return buffer.getvalue()


def _policy_versions() -> list[dict]:
    return [
        {
            "version": v.number,
            "created_at": v.created_at,
            "change_note": v.change_note,
            "texts_sha256": v.texts.sha256,
            "texts": v.texts.snapshot,
        }
        for v in PolicyVersion.objects.select_related("texts").order_by("number")
    ]


def _cookies() -> list[dict]:
    return [
        {
            "category": c.category.name,
            "name": c.name,
            "provider": c.provider,
            "purpose": c.purpose,
            "duration": c.duration,
        }
        for c in Cookie.objects.select_related("category")
    ]


def _script_changes(since: datetime) -> list[dict]:
    changes = GatedScript.history.filter(history_date__gte=since).select_related("history_user")
    return [
        {
            "time": h.history_date,
            "user": h.history_user.get_username() if h.history_user else None,
            "change": h.get_history_type_display(),
            "name": h.name,
            "src": h.src,
            "code": h.code,
            "is_active": h.is_active,
        }
        for h in changes.order_by("history_date")
    ]


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
