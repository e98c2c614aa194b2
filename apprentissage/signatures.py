"""The portal's one signature mechanism (eIDAS simple electronic signature, or paper).

A signable document implements `signed_content() -> dict`: the fields that the
signature covers. Its SHA-256 (canonical JSON) is recorded at signing; while a valid
signature exists the document is frozen (`is_frozen`), and only scolarité can reopen it,
which voids the signature (kept, with who and why).
"""

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage.models import Signature

MAX_SCAN_BYTES = 10 * 1024 * 1024


class FrozenDocument(Exception):
    """A signed document cannot be changed (scolarité may reopen it)."""


@dataclass(frozen=True)
class SignerEvidence:
    """What the request tells about the signer's gesture."""

    typed_name: str
    ip_address: str | None
    user_agent: str

    @classmethod
    def from_request(cls, request, typed_name: str) -> "SignerEvidence":
        ip = request.META.get("REMOTE_ADDR")
        if settings.BEHIND_PROXY:
            # Our proxy appends the address it saw: only the last entry is not the client's word.
            forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            ip = forwarded[-1] or ip
        return cls(
            typed_name=typed_name.strip(),
            ip_address=ip or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
        )


def content_hash(document) -> str:
    payload = json.dumps(
        document.signed_content(), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def signatures_of(document) -> models.QuerySet[Signature]:
    return Signature.objects.filter(
        content_type=ContentType.objects.get_for_model(document), object_id=document.pk
    ).select_related("signer", "uploaded_by", "voided_by")


def valid_signature(document) -> Signature | None:
    return signatures_of(document).filter(voided_at__isnull=True).last()


def is_frozen(document) -> bool:
    return signatures_of(document).filter(voided_at__isnull=True).exists()


def ensure_editable(document) -> None:
    if is_frozen(document):
        raise FrozenDocument(_("This document is signed: it can no longer be changed."))


def _normalized(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").split())


def typed_name_matches(user, typed_name: str) -> bool:
    """The signer types their own first and last name (accents, case and order aside)."""
    expected = sorted(_normalized(f"{user.first_name} {user.last_name}").split())
    return bool(expected) and sorted(_normalized(typed_name).split()) == expected


def sign_online(document, *, signer, purpose: str, evidence: SignerEvidence) -> Signature:
    """Record an online signature. Call inside the transition that signs (one transaction)."""
    if not typed_name_matches(signer, evidence.typed_name):
        raise ValidationError(
            _("Type your first and last name exactly as on your account: %(name)s.")
            % {"name": f"{signer.first_name} {signer.last_name}"}
        )
    ensure_editable(document)
    return Signature.objects.create(
        content_type=ContentType.objects.get_for_model(document),
        object_id=document.pk,
        purpose=purpose,
        method=Signature.Method.ONLINE,
        signer=signer,
        signer_name=evidence.typed_name,
        ip_address=evidence.ip_address,
        user_agent=evidence.user_agent,
        content_sha256=content_hash(document),
    )


def certify(document, *, issued_by, issuer_name: str, purpose: str) -> Signature:
    """The school certifies a document it issues itself (a transcript): no typed name, the
    issuer's office as the name, the content's SHA-256 and a verification code like any
    signature's. `issued_by`: the person whose action issued it (audit)."""
    return Signature.objects.create(
        content_type=ContentType.objects.get_for_model(document),
        object_id=document.pk,
        purpose=purpose,
        method=Signature.Method.CERTIFIED,
        signer=issued_by,
        signer_name=issuer_name,
        content_sha256=content_hash(document),
    )


# A scan is parsed as a PDF and refused when it is also something else (a polyglot: bytes
# before "%PDF-", data after the last "%%EOF", a ZIP or HTML document) or when it can act
# (JavaScript, automatic actions, launched programs, embedded files) or is encrypted.
EOF_TOLERANCE = 1024  # bytes of whitespace or NUL padding some scanners add after %%EOF
_ACTIVE_NAMES = {"/JS", "/JavaScript", "/AA", "/Launch", "/RichMedia", "/SubmitForm", "/ImportData"}
_EMBEDDED_NAMES = {"/EmbeddedFiles", "/EmbeddedFile", "/EF"}
# The same names in the raw bytes (objects pypdf would not reach, e.g. outside the xref).
_RAW_ACTIVE = re.compile(rb"/(JS|JavaScript|AA|Launch|RichMedia)(?=[\s/<>\[\]()%]|$)")
_RAW_EMBEDDED = re.compile(rb"/(EmbeddedFiles?|EF)(?=[\s/<>\[\]()%]|$)")
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_HTML = re.compile(rb"<(!doctype\s+html|html|head|body|script|iframe|svg|object|embed)[\s>/]", re.IGNORECASE)


def validate_scan(scan) -> None:
    """Refuse what is not a plain PDF document, with a message saying why (see above)."""
    if scan.size > MAX_SCAN_BYTES:
        raise ValidationError(_("The scan is too large (10 MB at most)."))
    data = scan.read(MAX_SCAN_BYTES + 1)
    scan.seek(0)
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError(_("The scan is too large (10 MB at most)."))
    if not data.startswith(b"%PDF-"):
        raise ValidationError(_("The scan must be a PDF file."))
    end = data.rfind(b"%%EOF")
    trailing = data[end + 5 :] if end >= 0 else b""
    if end < 0 or len(trailing) > EOF_TOLERANCE or trailing.strip(b" \t\r\n\f\0"):
        raise ValidationError(
            _("The scan holds data after the end of the PDF document: send the file the scanner produced.")
        )
    # The document's structure without its streams' bytes (images would match by chance).
    skeleton = _STREAM.sub(b"stream endstream", data)
    if zipfile.is_zipfile(io.BytesIO(data)) or _HTML.search(skeleton):
        raise ValidationError(_("The scan is also another kind of file (ZIP or HTML): it is refused."))
    if _RAW_ACTIVE.search(skeleton):
        raise ValidationError(_("The scan contains JavaScript or automatic actions: send a plain scan."))
    if _RAW_EMBEDDED.search(skeleton):
        raise ValidationError(_("The scan contains embedded files: send a plain scan."))
    _check_parsed_pdf(data)


def _check_parsed_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The scan is protected (encrypted PDF): send it without a password or protection.")
            )
        if not len(reader.pages):
            raise ValidationError(_("The scan is not a readable PDF file."))
        references = {(n, generation) for generation, entries in reader.xref.items() for n in entries}
        references |= {(n, 0) for n in reader.xref_objStm}
        found = set()
        for number, generation in sorted(references):
            stack = [reader.get_object(IndirectObject(number, generation, reader))]
            while stack:  # this object and the objects written inside it
                item = stack.pop()
                if isinstance(item, DictionaryObject):
                    found.update(str(key) for key in item)
                    if item.get("/S") in ("/JavaScript", "/Launch"):
                        found.add("/JS")
                    if item.get("/Type") == NameObject("/EmbeddedFile"):
                        found.add("/EmbeddedFile")
                    stack.extend(v for v in item.values() if not isinstance(v, IndirectObject))
                elif isinstance(item, ArrayObject):
                    stack.extend(v for v in item if not isinstance(v, IndirectObject))
    except ValidationError:
        raise
    except Exception as error:  # pypdf's errors, and any a malformed file provokes
        raise ValidationError(_("The scan is not a readable PDF file.")) from error
    if found & _ACTIVE_NAMES:
        raise ValidationError(_("The scan contains JavaScript or automatic actions: send a plain scan."))
    if found & _EMBEDDED_NAMES:
        raise ValidationError(_("The scan contains embedded files: send a plain scan."))


def sign_on_paper(
    document, *, uploaded_by, purpose: str, signer_name: str, scan, signed_on=None
) -> Signature:
    """Record a paper signature: scolarité uploads the signed scan (PDF)."""
    validate_scan(scan)
    ensure_editable(document)
    signed_at = timezone.now()
    if signed_on:
        signed_at = timezone.make_aware(timezone.datetime.combine(signed_on, timezone.datetime.min.time()))
    signature = Signature(
        content_type=ContentType.objects.get_for_model(document),
        object_id=document.pk,
        purpose=purpose,
        method=Signature.Method.PAPER,
        signer_name=signer_name.strip(),
        signed_at=signed_at,
        uploaded_by=uploaded_by,
        content_sha256=content_hash(document),
    )
    signature.scan.save(f"{signature.verification_code}.pdf", scan, save=False)
    signature.save()
    return signature


@transaction.atomic
def void_signatures(document, *, by, reason: str) -> int:
    """Reopen a signed document: its signatures stay on record, voided with the reason."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening the document."))
    return (
        signatures_of(document)
        .filter(voided_at__isnull=True)
        .update(voided_at=timezone.now(), voided_by=by, void_reason=reason.strip())
    )


@dataclass(frozen=True)
class Verification:
    signature: Signature
    document: object
    current_sha256: str

    @property
    def content_unchanged(self) -> bool:
        return self.current_sha256 == self.signature.content_sha256


def verify(code: str) -> Verification | None:
    code = "".join(code.split()).upper()
    signature = Signature.objects.select_related("signer", "voided_by").filter(verification_code=code).first()
    if signature is None or signature.document is None:
        return None
    return Verification(
        signature=signature, document=signature.document, current_sha256=content_hash(signature.document)
    )
