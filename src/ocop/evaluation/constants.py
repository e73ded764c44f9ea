from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationKind(models.TextChoices):
    FIRST = "first", _("Đánh giá lần đầu")
    UPGRADE = "upgrade", _("Nâng hạng sao")
    REEVALUATION = "reevaluation", _("Đánh giá lại (hết hạn 36 tháng)")


class ApplicationStatus(models.TextChoices):
    """States of an application (hồ sơ đăng ký đánh giá). Moves live in workflow.py only."""

    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Trả lại để bổ sung")
    PRE_ASSESSED = "pre_assessed", _("Đã sơ đánh giá cấp xã")
    LOWER_SCORED = "lower_scored", _("Đã chấm điểm cấp huyện")
    FORWARDED = "forwarded", _("Đã chuyển lên tỉnh")
    SCHEDULED = "scheduled", _("Đã xếp lịch hội đồng")
    SCORED = "scored", _("Đã chấm điểm")
    RECOGNISED = "recognised", _("Đề nghị công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không đạt")
    PROPOSED_NATIONAL = "proposed_national", _("Đề nghị Trung ương đánh giá 5 sao")
    DECIDED = "decided", _("Đã có quyết định")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")


class Level(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    DISTRICT = "district", _("Cấp huyện")
    PROVINCE = "province", _("Cấp tỉnh")
    CENTRAL = "central", _("Trung ương")


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch hội đồng")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch hội đồng")
    SECRETARY = "secretary", _("Thư ký hội đồng")
    MEMBER = "member", _("Thành viên")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chấm")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Yêu cầu chấm lại")


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("Dự kiến")
    OPEN = "open", _("Đang nhận hồ sơ")
    REVIEW = "review", _("Đang đánh giá")
    DECIDED = "decided", _("Đã ban hành quyết định")


class Outcome(models.TextChoices):
    RECOGNISED = "recognised", _("Đạt, đề nghị công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không đạt")
    FORWARDED = "forwarded", _("Chuyển cấp trên đánh giá")
    PROPOSED_NATIONAL = "proposed_national", _("Tiềm năng 5 sao, đề nghị Trung ương")
