from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """System roles. Council roles are granted per round by the evaluation capability."""

    ADMIN = "admin", _("Quản trị hệ thống")
    PROVINCE_OFFICER = "province_officer", _("Văn phòng điều phối OCOP tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ OCOP xã")
    COUNCIL_MEMBER = "council_member", _("Thành viên hội đồng đánh giá")
    INSPECTOR = "inspector", _("Thanh tra, kiểm tra")
    PRODUCER = "producer", _("Chủ thể OCOP")


OFFICIAL_ROLES = (Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.COUNCIL_MEMBER, Role.INSPECTOR)
