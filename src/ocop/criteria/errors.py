"""Domain errors of the criteria app (stable codes, Vietnamese messages)."""

from django.utils.translation import gettext_lazy as _

from ocop.core.errors import Conflict, DomainError, InvalidTransition, NotFound, ValidationFailed


class RuleSetInvalid(ValidationFailed):
    """The file breaks the schema or an invariant; `errors` lists every problem, nothing is saved."""

    code = "criteria.ruleset_invalid"
    title = _("Bộ tiêu chí không hợp lệ")
    message = _("Bộ tiêu chí không hợp lệ: %(count)s lỗi. Không có dữ liệu nào được lưu.")


class UploadUnreadable(ValidationFailed):
    code = "criteria.upload_unreadable"
    title = _("Không đọc được tệp")
    message = _("Không đọc được tệp: %(reason)s")


class RuleSetCodeTaken(Conflict):
    code = "criteria.ruleset_code_taken"
    title = _("Mã bộ tiêu chí đã được dùng")
    message = _(
        "Mã bộ tiêu chí «%(ruleset)s» đã có với nội dung khác. Bộ tiêu chí không được sửa: "
        "hãy đặt mã mới (ví dụ «%(ruleset)s-rev2») và khai báo «supersedes»."
    )


class RuleSetNotScorable(Conflict):
    code = "criteria.ruleset_not_scorable"
    title = _("Bộ tiêu chí không dùng để chấm điểm được")
    message = _(
        "Bộ tiêu chí «%(ruleset)s» (%(state)s) không dùng để mở phiếu chấm điểm: %(reason)s"
    )


class NoRuleSet(NotFound):
    code = "criteria.no_ruleset"
    title = _("Không có bộ tiêu chí áp dụng")
    message = _("Không có bộ tiêu chí nào áp dụng cho bộ sản phẩm %(product_set)s vào ngày %(on)s.")


class RuleSetInUse(Conflict):
    code = "criteria.ruleset_in_use"
    title = _("Bộ tiêu chí đang được sử dụng")
    message = _("Bộ tiêu chí «%(ruleset)s» đã được dùng để đánh giá nên không thể xóa hoặc sửa.")


class RuleSetNotConfirmable(InvalidTransition):
    code = "criteria.ruleset_not_confirmable"
    message = _(
        "Chỉ xác nhận được bộ tiêu chí ở trạng thái «Bản chép chưa đối chiếu»; "
        "bộ «%(ruleset)s» đang ở trạng thái «%(state)s»."
    )


class ScoreOutOfRange(DomainError):
    code = "criteria.score_out_of_range"
    status = 422
    title = _("Điểm ngoài thang điểm")
    message = _("Điểm %(score)s nằm ngoài thang điểm của bộ tiêu chí «%(ruleset)s».")


class RuleParameterMissing(DomainError):
    code = "criteria.parameter_missing"
    status = 409
    title = _("Bộ tiêu chí thiếu tham số")
    message = _("Bộ tiêu chí «%(ruleset)s» không khai báo tham số «%(name)s».")


class ProductSetsNotLoaded(Conflict):
    code = "criteria.product_sets_not_loaded"
    title = _("Chưa nạp danh mục bộ sản phẩm")
    message = _(
        "Các bộ sản phẩm %(codes)s chưa có trong cơ sở dữ liệu. Hãy nạp danh mục phân loại "
        "sản phẩm trước khi nạp bộ tiêu chí."
    )


class ConfirmationNoteRequired(ValidationFailed):
    code = "criteria.confirmation_note_required"
    message = _("Cần ghi rõ căn cứ đối chiếu (số văn bản, phụ lục, trang).")
