"""Reading a damaged SQLite file without SQLite: every b-tree cell that can
still be read, page by page.

When SQLite gives up on a file ("database disk image is malformed") most of
its pages are usually intact. This module reads the file the way the
format documents it (https://sqlite.org/fileformat2.html), trusting no
pointer between pages:

* the page size comes from the header (or, if the header is damaged, from
  the ``-wal`` file, else the size that yields the most cells);
* committed frames of the ``-wal`` file replace the pages they hold (only
  frames whose salts and checksums chain correctly up to the last commit);
* pages on the freelist are skipped when the freelist can be walked;
* every table-leaf page yields its rows (rowid + record), every index page
  (leaf and interior) its entries (a ``WITHOUT ROWID`` table's rows are
  index entries); overflow chains are followed with bounds and loop checks.

A damaged page yields nothing or only the cells that parse exactly
(record header, serial types and payload length must agree). Which table
a cell belongs to is decided by the caller (:mod:`coach.store.salvage`)
from the cell's shape and the values' types, not from the file's
(possibly damaged) schema.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
PAGE_SIZES = (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512)
TABLE_LEAF = 0x0D
INDEX_LEAF = 0x0A
INDEX_INTERIOR = 0x02
TABLE_INTERIOR = 0x05
WAL_MAGIC = (0x377F0682, 0x377F0683)
MAX_PAYLOAD = 1 << 30

Value = int | float | str | bytes | None


@dataclass(frozen=True)
class Cell:
    """One b-tree cell: a table row (``rowid`` set) or an index entry."""

    page: int
    index: bool
    rowid: int | None
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Image:
    """The pages of a database file with its WAL applied."""

    page_size: int
    usable: int
    pages: dict[int, bytes]
    free: frozenset[int]

    def page(self, number: int) -> bytes | None:
        return self.pages.get(number)


# -- varints and records --------------------------------------------------------------

def varint(buf: bytes, pos: int) -> tuple[int, int]:
    """(value, next position); raises IndexError past the end."""
    value = 0
    for i in range(8):
        byte = buf[pos + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    value = (value << 8) | buf[pos + 8]
    if value >= 1 << 63:
        value -= 1 << 64
    return value, pos + 9


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _serial_size(t: int) -> int:
    if t in _INT_SIZES:
        return _INT_SIZES[t]
    if t == 7:
        return 8
    if t in (0, 8, 9):
        return 0
    if t >= 12:
        return (t - 12) // 2
    raise ValueError(f"reserved serial type {t}")


def record(payload: bytes) -> tuple[Value, ...]:
    """Decode a record; ValueError unless header and body agree exactly."""
    header_len, pos = varint(payload, 0)
    if not 1 <= header_len <= len(payload):
        raise ValueError("bad record header length")
    types: list[int] = []
    while pos < header_len:
        t, pos = varint(payload, pos)
        types.append(t)
    if pos != header_len:
        raise ValueError("record header overruns")
    body = header_len
    if body + sum(_serial_size(t) for t in types) != len(payload):
        raise ValueError("record length does not match its header")
    out: list[Value] = []
    for t in types:
        size = _serial_size(t)
        raw = payload[body:body + size]
        body += size
        if t == 0:
            out.append(None)
        elif t in _INT_SIZES:
            out.append(int.from_bytes(raw, "big", signed=True))
        elif t == 7:
            out.append(struct.unpack(">d", raw)[0])
        elif t in (8, 9):
            out.append(t - 8)
        elif t % 2 == 0:
            out.append(bytes(raw))
        else:
            out.append(raw.decode("utf-8"))
    return tuple(out)


# -- reading the file -----------------------------------------------------------------

def _header_page_size(head: bytes) -> int | None:
    if len(head) < HEADER_SIZE or not head.startswith(MAGIC):
        return None
    size = struct.unpack(">H", head[16:18])[0]
    size = 65536 if size == 1 else size
    return size if size in PAGE_SIZES else None


def _wal_frames(wal: bytes) -> tuple[int, dict[int, bytes], int | None]:
    """(page size, committed pages, database size in pages after the last
    commit) from a WAL file; (0, {}, None) when it holds nothing valid."""
    if len(wal) < 32:
        return 0, {}, None
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", wal[:32])
    if magic not in WAL_MAGIC or page_size not in PAGE_SIZES:
        return 0, {}, None
    order = ">" if magic & 1 else "<"

    def checksum(data: bytes, s0: int, s1: int) -> tuple[int, int]:
        words = struct.unpack(f"{order}{len(data) // 4}I", data)
        for i in range(0, len(words), 2):
            s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
            s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
        return s0, s1

    s0, s1 = checksum(wal[:24], 0, 0)
    if (s0, s1) != (c1, c2):
        return 0, {}, None
    committed: dict[int, bytes] = {}
    pending: dict[int, bytes] = {}
    db_pages: int | None = None
    pos = 32
    frame = 24 + page_size
    while pos + frame <= len(wal):
        number, size_after, fs1, fs2, fc1, fc2 = struct.unpack(">6I", wal[pos:pos + 24])
        if (fs1, fs2) != (salt1, salt2) or number == 0:
            break
        page = wal[pos + 24:pos + frame]
        s0, s1 = checksum(wal[pos:pos + 8], s0, s1)
        s0, s1 = checksum(page, s0, s1)
        if (s0, s1) != (fc1, fc2):
            break
        pending[number] = page
        if size_after:
            committed.update(pending)
            pending = {}
            db_pages = size_after
        pos += frame
    return page_size, committed, db_pages


def _count_cells(data: bytes, page_size: int) -> int:
    n = 0
    for number in range(1, min(len(data) // page_size, 64) + 1):
        page = data[(number - 1) * page_size:number * page_size]
        try:
            n += sum(1 for _ in _page_cells(number, page, page_size, {}, page_size))
        except (IndexError, ValueError, struct.error):
            continue
    return n


def read_image(path: Path) -> Image:
    """The file at ``path`` with the committed frames of ``path-wal`` applied."""
    data = path.read_bytes() if path.exists() else b""
    wal_path = path.with_name(path.name + "-wal")
    wal = wal_path.read_bytes() if wal_path.exists() else b""
    wal_size, frames, db_pages = _wal_frames(wal)
    size = _header_page_size(data[:HEADER_SIZE]) or wal_size
    if not size:
        size = max(PAGE_SIZES, key=lambda s: _count_cells(data, s)) if data else 4096
    pages = {i + 1: data[i * size:(i + 1) * size] for i in range(len(data) // size)}
    pages.update({n: p for n, p in frames.items() if len(p) == size})
    if db_pages is not None:
        pages = {n: p for n, p in pages.items() if n <= db_pages}
    first = pages.get(1, b"")
    reserved = first[20] if _header_page_size(first[:HEADER_SIZE]) == size else 0
    image = Image(size, size - reserved, pages, frozenset())
    return Image(size, size - reserved, pages, _freelist(image))


def _freelist(image: Image) -> frozenset[int]:
    """Pages on the freelist (empty when the header or a trunk is unreadable)."""
    first = image.page(1)
    if first is None or not first.startswith(MAGIC):
        return frozenset()
    trunk, total = struct.unpack(">II", first[32:40])
    free: set[int] = set()
    seen: set[int] = set()
    while trunk and trunk not in seen and len(seen) <= len(image.pages):
        seen.add(trunk)
        page = image.page(trunk)
        if page is None:
            break
        free.add(trunk)
        nxt, count = struct.unpack(">II", page[:8])
        if count > (image.usable - 8) // 4:
            break
        free.update(struct.unpack(f">{count}I", page[8:8 + 4 * count]))
        trunk = nxt
    return frozenset(free) if len(free) <= total + 1 else frozenset()


# -- cells ----------------------------------------------------------------------------

def _local_size(payload: int, usable: int, index: bool) -> int:
    max_local = ((usable - 12) * 64 // 255 - 23) if index else usable - 35
    if payload <= max_local:
        return payload
    min_local = (usable - 12) * 32 // 255 - 23
    k = min_local + (payload - min_local) % (usable - 4)
    return k if k <= max_local else min_local


def _overflow(pages: dict[int, bytes], first: int, need: int, usable: int) -> bytes:
    out = bytearray()
    seen: set[int] = set()
    number = first
    while need > 0:
        if number in seen or number not in pages:
            raise ValueError("broken overflow chain")
        seen.add(number)
        page = pages[number]
        take = min(need, usable - 4)
        out += page[4:4 + take]
        need -= take
        number = struct.unpack(">I", page[:4])[0]
    return bytes(out)


def _page_cells(number: int, page: bytes, usable: int, pages: dict[int, bytes],
                page_size: int) -> Iterator[Cell]:
    start = HEADER_SIZE if number == 1 else 0
    kind = page[start]
    if kind not in (TABLE_LEAF, INDEX_LEAF, INDEX_INTERIOR):
        return
    ncells = struct.unpack(">H", page[start + 3:start + 5])[0]
    header = 8 if kind != INDEX_INTERIOR else 12
    pointers = start + header
    if pointers + 2 * ncells > usable:
        return
    for i in range(ncells):
        offset = struct.unpack(">H", page[pointers + 2 * i:pointers + 2 * i + 2])[0]
        if not pointers + 2 * ncells <= offset < usable:
            continue
        try:
            cell = _cell(number, page, offset, kind, usable, pages)
        except (IndexError, ValueError, UnicodeDecodeError, struct.error):
            continue
        if cell is not None:
            yield cell


def _cell(number: int, page: bytes, pos: int, kind: int, usable: int, pages: dict[int, bytes]) -> Cell | None:
    index = kind != TABLE_LEAF
    if kind == INDEX_INTERIOR:
        pos += 4
    size, pos = varint(page, pos)
    rowid = None
    if not index:
        rowid, pos = varint(page, pos)
    if not 0 < size <= MAX_PAYLOAD:
        return None
    local = _local_size(size, usable, index)
    if pos + local > usable:
        return None
    payload = page[pos:pos + local]
    if local < size:
        first = struct.unpack(">I", page[pos + local:pos + local + 4])[0]
        payload += _overflow(pages, first, size - local, usable)
    return Cell(number, index, rowid, record(payload))


def cells(image: Image) -> Iterator[Cell]:
    """Every cell that parses on every b-tree page not on the freelist."""
    for number in sorted(image.pages):
        if number in image.free:
            continue
        page = image.pages[number]
        try:
            yield from _page_cells(number, page, image.usable, image.pages, image.page_size)
        except (IndexError, ValueError, struct.error):
            continue
