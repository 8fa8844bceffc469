"""The layout check's bit kernels (reanalysis.formats.layout) against their obvious twins:
positions and running sums over the unpacked booleans, on random masks of every length around
the 64-bit word boundaries."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis.formats.layout import bit_at, bit_positions, bits, bits_before, inside_quotes

MANY = settings(max_examples=300, deadline=None, derandomize=True, database=None)


@st.composite
def masks(draw, min_size: int = 1) -> np.ndarray:
    """A boolean mask from one to three words long (lengths around 64 and 128 most often),
    sparse, dense or mixed."""
    size = draw(st.one_of(st.integers(min_size, 200), st.sampled_from([63, 64, 65, 127, 128, 129])))
    density = draw(st.sampled_from([0.0, 0.05, 0.5, 0.95, 1.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).random(size) < density


@MANY
@given(mask=masks())
def test_bits_hold_the_mask_in_order_and_nothing_after_it(mask):
    words = bits(mask)
    assert words.dtype == np.dtype("<u8")
    assert len(words) == -(-len(mask) // 64)
    unpacked = np.unpackbits(words.view(np.uint8), bitorder="little").astype(bool)
    assert unpacked[: len(mask)].tolist() == mask.tolist()
    assert not unpacked[len(mask) :].any()


@MANY
@given(mask=masks(), data=st.data())
def test_bits_before_a_position_are_the_set_values_before_it(mask, data):
    positions = np.array(
        sorted(data.draw(st.lists(st.integers(0, len(mask)), max_size=12))), dtype=np.int64
    )
    expected = np.searchsorted(np.flatnonzero(mask), positions)
    assert bits_before(bits(mask), positions).tolist() == expected.tolist()


@MANY
@given(mask=masks())
def test_bit_positions_are_the_positions_of_the_set_values_in_order(mask):
    found = bit_positions(bits(mask))
    assert found.dtype == np.int64
    assert found.tolist() == np.flatnonzero(mask).tolist()


def test_a_word_with_every_bit_set_gives_every_position():
    mask = np.ones(130, dtype=bool)
    mask[64] = False
    assert bit_positions(bits(mask)).tolist() == [*range(64), *range(65, 130)]


@MANY
@given(mask=masks(), data=st.data())
def test_the_bit_at_a_position_is_the_masks_value_there(mask, data):
    positions = np.array(
        data.draw(st.lists(st.integers(0, len(mask) - 1), max_size=12)), dtype=np.int64
    )
    assert bit_at(bits(mask), positions).tolist() == mask[positions].tolist()


@MANY
@given(quotes=masks(), odd=st.sampled_from([0, 1]))
def test_inside_quotes_is_the_parity_of_the_quotes_up_to_each_byte(quotes, odd):
    expected = (np.cumsum(quotes) + odd) % 2 == 1
    unpacked = np.unpackbits(inside_quotes(bits(quotes), odd).view(np.uint8), bitorder="little")
    assert unpacked[: len(quotes)].astype(bool).tolist() == expected.tolist()


def test_the_end_of_a_block_of_whole_words_counts_every_bit():
    mask = np.ones(128, dtype=bool)
    assert bits_before(bits(mask), np.array([0, 64, 127, 128])).tolist() == [0, 64, 127, 128]


@pytest.mark.parametrize("odd", [0, 1])
def test_parity_carries_from_word_to_word(odd):
    quotes = np.zeros(192, dtype=bool)
    quotes[[10, 100]] = True  # opened in the first word, closed in the second
    inside = np.unpackbits(inside_quotes(bits(quotes), odd).view(np.uint8), bitorder="little")
    expected = np.zeros(192, dtype=bool)
    expected[10:100] = True
    assert inside.astype(bool).tolist() == (expected ^ bool(odd)).tolist()
