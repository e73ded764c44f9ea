"""Errors of the evaluation app (stable codes)."""

from django.utils.translation import gettext_lazy as _

from ocop.core.errors import Conflict, InvalidTransition, ValidationFailed


class ApplicationInvalidTransition(InvalidTransition):
    code = "evaluation.invalid_transition"


class VariantFileInvalid(ValidationFailed):
    code = "evaluation.variant_file_invalid"
    message = _("Tệp quy trình đánh giá không hợp lệ: %(reason)s")


class RoundInvalid(ValidationFailed):
    code = "evaluation.round_invalid"


class ApplicationInvalid(ValidationFailed):
    code = "evaluation.application_invalid"


class RoundClosed(Conflict):
    code = "evaluation.round_closed"
    message = _("Đợt đánh giá không nhận hồ sơ.")


class ApplicationDuplicate(Conflict):
    code = "evaluation.application_duplicate"
    message = _("Sản phẩm đã có hồ sơ trong đợt đánh giá này.")


class UseDedicatedService(Conflict):
    code = "evaluation.use_dedicated_service"
    message = _("Thao tác «%(verb)s» cần nhập thêm thông tin; dùng chức năng riêng của nó.")


class NoRuleSetForProduct(Conflict):
    code = "evaluation.no_ruleset"
    message = _(
        "Chưa có bộ tiêu chí chấm điểm cho bộ sản phẩm «%(product_set)s» vào ngày %(on)s; "
        "chưa thể nộp hồ sơ."
    )


class ApplicationNotEditable(Conflict):
    code = "evaluation.application_not_editable"
    message = _("Chỉ sửa phiếu đăng ký và tự đánh giá khi hồ sơ còn là bản nháp hoặc bị trả lại.")
