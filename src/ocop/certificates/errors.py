"""Domain errors of the certificates app (stable codes)."""

from django.utils.translation import gettext_lazy as _

from ocop.core.errors import Conflict, InvalidTransition, ValidationFailed


class CertificateInvalid(ValidationFailed):
    code = "certificates.invalid"


class DecisionNotPublished(Conflict):
    code = "certificates.decision_not_published"
    message = _("Quyết định «%(number)s» chưa được công bố nên chưa thể cấp giấy chứng nhận.")


class NotCertifiable(Conflict):
    code = "certificates.not_certifiable"
    message = _("Hồ sơ %(id)s không có kết quả công nhận để cấp giấy chứng nhận.")


class AlreadyIssued(Conflict):
    code = "certificates.already_issued"
    message = _("Hồ sơ này đã được cấp giấy chứng nhận số %(number)s.")


class NumberTaken(Conflict):
    code = "certificates.number_taken"
    message = _("Số giấy chứng nhận «%(number)s» đã tồn tại.")


class CertificateStateInvalid(InvalidTransition):
    code = "certificates.invalid_transition"
    message = _("Không thể «%(verb)s» giấy chứng nhận đang ở trạng thái «%(state)s».")


class ReevaluationUnavailable(Conflict):
    code = "certificates.reevaluation_unavailable"
    message = _("Không thể đề nghị đánh giá lại: %(reason)s")
