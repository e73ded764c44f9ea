from django.db import models
from django.utils.translation import gettext_lazy as _


class ProducerKind(models.TextChoices):
    """Legal form of an OCOP subject (chủ thể OCOP)."""

    COOPERATIVE = "htx", _("Hợp tác xã (HTX)")
    COOPERATIVE_GROUP = "tht", _("Tổ hợp tác (THT)")
    ENTERPRISE = "dn", _("Doanh nghiệp (DN)")
    HOUSEHOLD = "hkd", _("Hộ kinh doanh / hộ sản xuất kinh doanh")


class ProducerStatus(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    SUSPENDED = "suspended", _("Tạm ngừng hoạt động")
    DISSOLVED = "dissolved", _("Đã giải thể")


class CertificationKind(models.TextChoices):
    VIETGAP = "vietgap", _("VietGAP")
    ORGANIC = "organic", _("Hữu cơ (Organic)")
    HACCP = "haccp", _("HACCP")
    ISO22000 = "iso22000", _("ISO 22000")
    GLOBALGAP = "globalgap", _("GlobalGAP")
    GMP = "gmp", _("GMP")
    OTHER = "other", _("Khác")


class ProducerDocumentKind(models.TextChoices):
    BUSINESS_REGISTRATION = "business_registration", _("Giấy chứng nhận đăng ký kinh doanh")
    FOOD_SAFETY = "food_safety", _("Giấy chứng nhận cơ sở đủ điều kiện ATTP")
    CERTIFICATION = "certification", _("Chứng nhận chất lượng")
    ORGANISATION_PROFILE = "organisation_profile", _("Hồ sơ giới thiệu tổ chức")
    OTHER = "other", _("Tài liệu khác")
