"""Certificate statuses (derived, never stored), event kinds, notice kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    """What a certificate is on a given day, derived from its dates and events (models.status_on).

    Precedence: revoked > superseded > suspended > not yet valid > expired > expiring > valid.
    """

    PENDING = "pending", _("Chưa có hiệu lực")
    VALID = "valid", _("Còn hiệu lực")
    EXPIRING = "expiring", _("Sắp hết hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")
    SUSPENDED = "suspended", _("Tạm đình chỉ")
    REVOKED = "revoked", _("Đã thu hồi")
    SUPERSEDED = "superseded", _("Đã được thay thế")


# Statuses under which the certificate (and so its mark and stamps) may be used.
IN_FORCE = frozenset({CertificateStatus.VALID, CertificateStatus.EXPIRING})

STATUS_BADGES = {
    CertificateStatus.PENDING: "pending",
    CertificateStatus.VALID: "valid",
    CertificateStatus.EXPIRING: "expiring",
    CertificateStatus.EXPIRED: "expired",
    CertificateStatus.SUSPENDED: "suspended",
    CertificateStatus.REVOKED: "revoked",
    CertificateStatus.SUPERSEDED: "info",
}


class CertificateLevel(models.TextChoices):
    """Who recognised the stars: the province (3★, 4★) or the ministry (5★)."""

    PROVINCE = "province", _("Cấp tỉnh")
    CENTRAL = "central", _("Trung ương")


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Cấp giấy chứng nhận")
    IMPORTED = "imported", _("Nhập giấy chứng nhận đã cấp")
    SUSPENDED = "suspended", _("Tạm đình chỉ")
    REINSTATED = "reinstated", _("Khôi phục hiệu lực")
    REVOKED = "revoked", _("Thu hồi")
    SUPERSEDED = "superseded", _("Được thay thế")
    NOTICE = "notice", _("Gửi thông báo")
    REEVALUATION = "reevaluation", _("Đề nghị đánh giá lại")


class NoticeKind(models.TextChoices):
    EXPIRING = "expiring", _("Thông báo sắp hết hiệu lực")
    EXPIRED = "expired", _("Thông báo hết hiệu lực")


class GroundAction(models.TextChoices):
    SUSPEND = "suspend", _("Tạm đình chỉ")
    REVOKE = "revoke", _("Thu hồi")


# Fallback lead time when the rule set states none (QĐ 148 notice: at least 30 days before expiry).
# Only used for certificates imported without a rule set; issued ones copy their rule set's value.
DEFAULT_EXPIRY_NOTICE_DAYS = 30
