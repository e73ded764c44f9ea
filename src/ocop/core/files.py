"""Upload checks shared by every app: type sniffed from content, size capped, Office ZIPs bounded.

Files are stored under generated names below MEDIA_ROOT (outside the web root) and served only by
authorised views.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ocop.core import clock
from ocop.core.errors import ValidationFailed

ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
IMAGES = {"image/jpeg", "image/png"}
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
IMAGE_MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def _reject(message, field: str = "file") -> ValidationFailed:
    return ValidationFailed(
        errors=[{"loc": [field], "code": "upload_rejected", "message": str(message)}],
        code="core.upload_rejected",
    )


def safe_display_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned.strip()[:200] or "file"


def _office_kind(head: bytes, data: io.BytesIO) -> str | None:
    try:
        with zipfile.ZipFile(data) as zf:
            infos = zf.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise _reject(_("Tệp Office có quá nhiều thành phần."))
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > ZIP_MAX_TOTAL or total / packed > ZIP_MAX_RATIO:
                raise _reject(_("Tệp Office có tỷ lệ nén bất thường và đã bị từ chối."))
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def check_upload(
    upload: UploadedFile, *, allowed: set[str] | None = None, field: str = "file"
) -> CheckedUpload:
    """Validate an upload by its content. Raises ValidationFailed with a Vietnamese message."""
    allowed = allowed or set(ALLOWED)
    max_bytes = settings.OCOP_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise _reject(_("Tệp rỗng."), field)
    if upload.size > max_bytes:
        raise _reject(
            _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}, field
        )
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    for chunk in upload.chunks():
        digest.update(chunk)
        buffer.write(chunk)
        if buffer.tell() > max_bytes:
            raise _reject(_("Tệp quá lớn."), field)
    head = buffer.getvalue()[:8192]
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if head.startswith(b"PK"):
        buffer.seek(0)
        mime = _office_kind(head, buffer)
    if mime in IMAGES:
        _check_image_pixels(buffer)
    if mime not in allowed:
        names = ", ".join(sorted({ALLOWED[m].lstrip(".").upper() for m in allowed}))
        raise _reject(
            _("Định dạng tệp không được chấp nhận. Chỉ nhận: %(types)s.") % {"types": names}, field
        )
    upload.seek(0)
    return CheckedUpload(
        content_type=mime,
        extension=ALLOWED[mime],
        size=upload.size,
        sha256=digest.hexdigest(),
        original_name=safe_display_name(upload.name),
    )


def _check_image_pixels(buffer: io.BytesIO) -> None:
    try:
        from PIL import Image
    except ImportError:  # pillow arrives with reportlab; without it only the size cap applies
        return
    buffer.seek(0)
    try:
        with Image.open(buffer) as img:
            width, height = img.size
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a broken image
        raise _reject(_("Ảnh bị hỏng hoặc không đọc được.")) from exc
    if width * height > IMAGE_MAX_PIXELS:
        raise _reject(_("Ảnh có kích thước điểm ảnh quá lớn."))


def upload_path(area: str, extension: str) -> str:
    """A generated storage name: <area>/<yyyy>/<mm>/<uuid><ext>."""
    today = clock.today()
    return f"{area}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"
