"""Domain errors of the products app (stable codes, Vietnamese messages)."""

from django.utils.translation import gettext_lazy as _

from ocop.core.errors import Conflict, DomainError, InvalidTransition


class TaxonomyInvalid(DomainError):
    """The classification data file breaks an invariant; nothing was loaded."""

    code = "products.taxonomy_invalid"
    status = 422
    title = _("Dữ liệu phân loại sản phẩm không hợp lệ")
    message = _("Tệp phân loại sản phẩm không hợp lệ: %(problem)s")


class ProductRetired(Conflict):
    code = "products.product_retired"
    title = _("Sản phẩm đã ngừng sản xuất")
    message = _("Sản phẩm «%(name)s» đã ngừng sản xuất nên không thể thay đổi.")


class ProductAlreadyRetired(InvalidTransition):
    code = "products.product_already_retired"
    message = _("Sản phẩm «%(name)s» đã ở trạng thái ngừng sản xuất.")
