import polars as pl
import pytest

from reanalysis import load_customs


@pytest.fixture(scope="session")
def shipped() -> pl.DataFrame:
    """The canonical series from the shipped statements."""
    return load_customs()


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file in tmp_path and return its path."""

    def _write(name: str, content: str | bytes):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
