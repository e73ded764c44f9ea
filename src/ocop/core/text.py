"""Text normalisation: stored NFC, searched through an accent-free folded column."""

import unicodedata


def nfc(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def fold(value: str | None) -> str:
    """Lower-case, accent-free form for search: 'Hợp tác xã Đồng Tâm' -> 'hop tac xa dong tam'."""
    text = unicodedata.normalize("NFD", (value or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())
