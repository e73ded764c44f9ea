"""Domain errors of the stamps app (stable codes, Vietnamese messages)."""

from django.utils.translation import gettext_lazy as _

from ocop.core.errors import Conflict, InvalidTransition


class CertificateNotInForce(Conflict):
    """The product has no certificate in force: no batch, approval or activation."""

    code = "stamps.certificate_not_in_force"
    title = _("Sản phẩm không có giấy chứng nhận OCOP còn hiệu lực")
    message = _(
        "Sản phẩm «%(product)s» không có giấy chứng nhận OCOP còn hiệu lực (%(status)s) "
        "nên không thể %(operation)s."
    )


class BatchNotPending(InvalidTransition):
    code = "stamps.batch_not_pending"
    message = _("Lô tem «%(batch)s» đang ở trạng thái «%(status)s», không còn chờ duyệt.")


class BatchNotIssued(InvalidTransition):
    code = "stamps.batch_not_issued"
    message = _("Lô tem «%(batch)s» chưa phát hành xong mã tem (trạng thái «%(status)s»).")


class StampsNotAvailable(Conflict):
    """Some stamps of the range are not in the state the operation needs."""

    code = "stamps.range_not_available"
    title = _("Dải tem không hợp lệ cho thao tác này")
    message = _(
        "Có %(count)s tem trong dải %(first)s–%(last)s không ở trạng thái «%(state)s»; "
        "không tem nào được thay đổi."
    )


class LotNumberTaken(Conflict):
    code = "stamps.lot_number_taken"
    message = _("Lô sản xuất «%(lot)s» đã được kích hoạt trong lô tem này.")
