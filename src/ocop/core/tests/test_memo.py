from ocop.core.memo import Memo


def test_a_memo_keeps_values_and_starts_over_when_full():
    memo = Memo(3)

    assert memo.keep("a", 1) == 1
    memo.keep("b", 2)
    memo.keep("c", 3)
    assert memo.get("a") == 1 and len(memo) == 3

    assert memo.keep("d", 4) == 4  # full: emptied first, never more than its size
    assert dict(memo) == {"d": 4}
    memo.keep("d", 5)  # a kept key is replaced
    assert dict(memo) == {"d": 5}
