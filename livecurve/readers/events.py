"""The record framing of TensorBoard event files, walked without TensorFlow.

An event file is a sequence of records: ``uint64 length`` (little endian), ``uint32`` masked
CRC32C of those 8 bytes, ``length`` bytes of data (one serialized ``Event``), ``uint32`` masked
CRC32C of the data. :class:`RecordReader` splits bytes into records and keeps its offset, so a
file that grows is read again from where the last read stopped (following a logdir).

CRC checks:

* **The length CRC** is always checked, with a pure-Python CRC32C that remembers each distinct
  length it has checked (a file's records have few distinct lengths: a dictionary look-up per
  record). A bad length CRC is damage: the reader looks for the next header whose CRC is right
  and goes on from there, counting what it skipped.
* **The data CRC** is checked when a fast CRC32C is installed (``google-crc32c`` or ``crc32c``);
  a record whose data CRC is wrong is skipped and counted. Without one, it is not checked (a
  pure-Python CRC of every byte would take longer than reading the file): a damaged record is
  then caught when its ``Event`` does not parse, and a damaged number is read as written.

A record cut at the end (fewer than 12 header bytes, or fewer data bytes than its length says;
a writer still writing, or killed) is never an error: :meth:`RecordReader.feed` stops before it
and keeps it for the next read.

Example:
    >>> data = frame(b"abc") + frame(b"de")
    >>> reader = RecordReader()
    >>> reader.feed(data[:10]), reader.feed(data[10:])
    ([], [b'abc', b'de'])
"""

from __future__ import annotations

import struct
from collections.abc import Callable

_HEADER = struct.Struct("<QI")
_CRC = struct.Struct("<I")
_MASK_DELTA = 0xA282EAD8
_RESYNC_LIMIT = 1 << 20  # bytes searched for the next good header after a damaged one


def _table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _table()


def crc32c_python(data: bytes) -> int:
    """CRC32C (Castagnoli) of ``data`` in pure Python (about 0.1 µs a byte: headers only)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def fast_crc32c() -> Callable[[bytes], int] | None:
    """A C implementation of CRC32C when one is installed (``google-crc32c``, ``crc32c``)."""
    try:
        import google_crc32c

        if getattr(google_crc32c, "implementation", "c") == "c":
            return google_crc32c.value
    except ImportError:
        pass
    try:
        import crc32c

        return crc32c.crc32c
    except ImportError:
        return None


def masked(crc: int) -> int:
    """TensorFlow's masking of a CRC stored in a record."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def frame(data: bytes, crc: Callable[[bytes], int] = crc32c_python) -> bytes:
    """One record holding ``data``, as a writer frames it (tests and fixtures write with this)."""
    header = struct.pack("<Q", len(data))
    return header + _CRC.pack(masked(crc(header))) + data + _CRC.pack(masked(crc(data)))


class RecordReader:
    """Splits the bytes of one event file into records, remembering where it stopped.

    Args:
        data_crc: the CRC32C function to check each record's data with; default: a fast one
            when installed (:func:`fast_crc32c`), else no data check. ``False``: never check.

    Attributes:
        offset: bytes of the file consumed so far (whole records, and skipped damage).
        damaged: records (or stretches of bytes) skipped because a CRC was wrong.
    """

    def __init__(self, data_crc: Callable[[bytes], int] | bool | None = None) -> None:
        if data_crc is None or data_crc is True:
            data_crc = fast_crc32c()
        self._data_crc: Callable[[bytes], int] | None = data_crc or None
        self._pending = b""
        self.offset = 0
        self.damaged = 0
        self._length_ok: dict[int, int] = {}  # length -> its masked CRC, once checked

    @property
    def pending(self) -> int:
        """Bytes read but not yet consumed: the start of a record still being written."""
        return len(self._pending)

    def feed(self, new: bytes) -> list[bytes]:
        """The complete records in what was held back plus ``new``; the rest is held back."""
        data = self._pending + new if self._pending else new
        records: list[bytes] = []
        pos = self._split(data, records)
        self._pending = data[pos:]
        return records

    def _split(self, data: bytes, records: list[bytes]) -> int:
        unpack_header, unpack_crc = _HEADER.unpack_from, _CRC.unpack_from
        length_ok, data_crc = self._length_ok, self._data_crc
        size = len(data)
        pos = 0
        while pos + 12 <= size:
            length, length_crc = unpack_header(data, pos)
            if length_ok.get(length) != length_crc:
                if masked(crc32c_python(data[pos : pos + 8])) != length_crc:
                    found = self._resync(data, pos + 1)
                    if found is None:
                        break  # maybe a header still being written: wait for more bytes
                    self.damaged += 1
                    pos = found
                    continue
                length_ok[length] = length_crc
            end = pos + 12 + length
            if end + 4 > size:
                break  # the data is not all there yet
            record = data[pos + 12 : end]
            if data_crc is not None and masked(data_crc(record)) != unpack_crc(data, end)[0]:
                self.damaged += 1
            else:
                records.append(record)
            pos = end + 4
        self.offset += pos
        return pos

    def _resync(self, data: bytes, start: int) -> int | None:
        """The position of the next header with a right length CRC after damage, or None."""
        last = min(len(data) - 12, start + _RESYNC_LIMIT)
        for pos in range(start, last + 1):
            if _HEADER.unpack_from(data, pos)[1] == masked(crc32c_python(data[pos : pos + 8])):
                return pos
        return None
