"""Demo tests write generated dossier documents: keep them out of the project's upload folder."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
