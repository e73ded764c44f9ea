"""Domain errors of the producer registry (stable codes; Vietnamese messages)."""

from django.utils.translation import gettext_lazy as _

from ocop.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed


class TaxCodeTaken(Conflict):
    code = "producers.tax_code_taken"
    title = _("Mã số thuế đã được đăng ký")
    message = _("Mã số thuế «%(tax_code)s» đã thuộc về một chủ thể khác trong hệ thống.")

    def __init__(self, tax_code: str) -> None:
        super().__init__(
            tax_code=tax_code,
            errors=[
                {
                    "loc": ["tax_code"],
                    "code": self.code,
                    "message": str(self.message) % {"tax_code": tax_code},
                }
            ],
        )


class AddressNotResolved(ValidationFailed):
    code = "producers.address_not_resolved"
    title = _("Không xác định được xã từ địa chỉ cũ")
    message = _("Không xác định chắc chắn được xã hiện nay từ địa chỉ cũ. Hãy chọn xã.")


class StatusTransitionInvalid(InvalidTransition):
    code = "producers.producer.invalid_transition"
    message = _("Không thể chuyển chủ thể từ trạng thái «%(state)s» sang «%(target)s».")


class CertificationDuplicate(Conflict):
    code = "producers.certification_duplicate"
    title = _("Chứng nhận đã có")
    message = _("Chủ thể đã có chứng nhận loại này với số «%(number)s».")


class DocumentAlreadyReplaced(Conflict):
    code = "producers.document_already_replaced"
    title = _("Tài liệu đã được thay thế")
    message = _("Tài liệu này đã có phiên bản mới hơn; hãy thay thế phiên bản mới nhất.")


class RepresentativeExists(Conflict):
    code = "producers.representative_exists"
    title = _("Tài khoản đã được liên kết")
    message = _("Tài khoản «%(username)s» đã được liên kết với chủ thể này.")


class RepresentativeNotLinked(NotFound):
    code = "producers.representative_not_linked"
    message = _("Tài khoản «%(username)s» chưa được liên kết với chủ thể này.")
