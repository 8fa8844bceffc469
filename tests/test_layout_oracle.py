"""The layout check and readers against the plain-Python oracle (:mod:`fuzz_oracle`) on a
fixed set of mutated files read in blocks of varied sizes: a deterministic slice of the
fuzzer (tests/test_fuzz_readers.py) that ``make mutate`` runs too (the fuzzer itself is left
out of mutation runs for its time)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_fuzz_readers import BASES, check, mutated

FIXED = settings(max_examples=20, derandomize=True, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@pytest.mark.parametrize("kind", sorted(BASES))
@FIXED
@given(data=st.data(), block=st.none() | st.integers(1, 64))
def test_a_fixed_set_of_mutated_files_is_refused_or_read_as_the_oracle_reads_it(
    kind, data, block, folder
):
    check(folder / f"{kind}.csv", data.draw(mutated(kind), label="file"), block)
