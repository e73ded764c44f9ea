"""Who may reach the geography pages and API (see ocop.core.testing for the format).

Administrative units are public reference data in the API; the commune picker of the forms is
for signed-in users.
"""

from ocop.core.testing import EVERYONE, SIGNED_IN, api, html

CASES = [
    html("geo:commune_options", query=lambda c: {"province": c.province.pk}, allow=SIGNED_IN),
    api("province_list", allow=EVERYONE),
    api("commune_list", params=lambda c: {"code": c.province.code}, allow=EVERYONE),
    api(
        "address_resolve",
        query=lambda c: {"address": f"{c.commune.name}, {c.province.name}"},
        allow=EVERYONE,
    ),
]
