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

# Roles a province officer may grant, and only within their own province(s). Every other role
# (admin, province officer, council member) is granted by an administrator.
PROVINCE_GRANTABLE_ROLES = (Role.COMMUNE_OFFICER, Role.INSPECTOR, Role.PRODUCER)

# Operational limit, not a legal figure: live API tokens one account may hold.
MAX_ACTIVE_API_TOKENS = 20
