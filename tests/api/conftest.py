import copy

import pytest
from django.utils.translation import trans_real


@pytest.fixture
def english_catalogue(monkeypatch):
    """Install English entries for Vietnamese msgids, as the English catalogue will.

    Usage: `english_catalogue({"Không tìm thấy": "Not found"})`. The entries go into a copy of the
    real "en" translation that replaces it for the test only.
    """

    def install(entries: dict[str, str]) -> None:
        real = trans_real.translation("en")
        fake = copy.copy(real)
        fake._catalog = copy.copy(real._catalog)
        fake._catalog._catalogs = [dict(entries), *real._catalog._catalogs]
        fake._catalog._plurals = [real._catalog._plurals[0], *real._catalog._plurals]
        monkeypatch.setitem(trans_real._translations, "en", fake)

    return install
