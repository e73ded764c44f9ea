"""Domain errors of the geo app."""

from django.utils.translation import gettext_lazy as _

from ocop.core.errors import DomainError, NotFound


class ProvinceNotFound(NotFound):
    code = "geo.province_not_found"
    message = _("Không tìm thấy tỉnh, thành phố có mã «%(province_code)s».")


class AddressUnresolved(DomainError):
    """An address that does not name exactly one current commune; the body lists candidates."""

    code = "geo.address_unresolved"
    status = 422
    title = _("Địa chỉ chưa xác định được")
    message = _("Không xác định được một đơn vị hành chính duy nhất từ địa chỉ.")


class AddressAmbiguous(AddressUnresolved):
    code = "geo.address_ambiguous"
    title = _("Địa chỉ khớp với nhiều đơn vị")


class AddressPartial(AddressUnresolved):
    code = "geo.address_partial"
    title = _("Địa chỉ chưa đủ đến cấp xã")


class AddressNotFound(AddressUnresolved):
    code = "geo.address_not_found"
    title = _("Không tìm thấy địa chỉ")
