"""Values read from settings once per process follow a change of the settings they read."""

from ocop.core.settings_cache import read_once

calls = []


@read_once("OCOP_TEST_READ_ONCE")
def _read():
    from django.conf import settings

    calls.append(1)
    return getattr(settings, "OCOP_TEST_READ_ONCE", "default")


def test_the_value_is_built_once_and_again_after_its_setting_changes(settings):
    _read.forget()
    calls.clear()

    assert _read() == "default" and _read() == "default"
    assert len(calls) == 1

    settings.OCOP_TEST_READ_ONCE = "changed"
    assert _read() == "changed"
    assert len(calls) == 2

    settings.OCOP_SOMETHING_ELSE = 1  # another setting: the kept value stays
    assert _read() == "changed"
    assert len(calls) == 2
