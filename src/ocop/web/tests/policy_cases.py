"""Who may reach the web shell's pages (see ocop.core.testing for the format)."""

from ocop.core import notify
from ocop.core.testing import EVERYONE, SIGNED_IN, html


def _own_notice(c) -> dict:
    """A notice of the acting user (anonymous visitors get any id: they are sent to log in)."""
    notices = notify.notify([c.me], kind="test", title="Thông báo thử", email=False)
    return {"notice_id": notices[0].pk if notices else 1}


CASES = [
    html("web:home", allow=EVERYONE, note="landing page, or the dashboard once signed in"),
    html("web:notifications", allow=SIGNED_IN, note="each user's own notices"),
    html("web:notifications_read", method="POST", data=lambda c: {"all": "1"}, allow=SIGNED_IN),
    html("web:notification_open", method="POST", kwargs=_own_notice, allow=SIGNED_IN),
]
