"""Models of the stamps app: batches and codes (models_register), scan log and alerts (models_scan)."""

from ocop.stamps.models_register import *  # noqa: F403
from ocop.stamps.models_scan import *  # noqa: F403
