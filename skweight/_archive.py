"""The files of a save: published atomically, and read back within limits.

Publishing
    ``save`` writes every file into a staging folder first. A ``.zip`` is written to a
    temporary file beside the target and renamed onto it, so an interrupted save leaves the
    previous archive (or nothing) and never half an archive. A directory is staged beside the
    target and renamed into place; replacing an earlier save renames that one aside first and
    deletes it only once the new one is in place. An existing target is replaced only with
    ``overwrite=True``, and a directory only if it is itself a skweight save.
Reading
    An archive is extracted member by member, each checked against the names a save may hold
    and against two documented limits: ``MAX_MEMBER_BYTES`` (the uncompressed size of one
    member, raised with ``load(..., max_member_bytes=...)`` for very large networks) and
    ``MAX_COMPRESSION_RATIO`` (for members over ``RATIO_CHECK_BYTES``: saved networks and
    arrays do not compress 100-fold, zip bombs do). Sizes are counted while extracting, not
    taken from the archive's directory. A corrupt or truncated archive is a ``ValueError``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_MEMBER_BYTES",
    "MANIFEST",
    "extract",
    "publish",
]

#: The manifest file of a save.
MANIFEST = "skweight.json"

#: The largest uncompressed member ``load`` extracts from an archive by default (1 GiB).
MAX_MEMBER_BYTES = 1 << 30

#: The largest compression ratio accepted for a member over ``RATIO_CHECK_BYTES``.
MAX_COMPRESSION_RATIO = 100

#: Members at most this large (1 MiB) are not checked for their compression ratio.
RATIO_CHECK_BYTES = 1 << 20

MEMBER_NAME = re.compile(
    r"^(skweight\.json|model\.keras|model_param\.keras|arrays/[0-9]{1,6}\.npy)$"
)
_CHUNK = 1 << 20


def publish(folder: Path, path: Path, *, overwrite: bool) -> None:
    """Move the files written in ``folder`` to ``path`` (a directory or a ``.zip`` archive)."""
    if path.suffix == ".zip":
        _publish_zip(folder, path, overwrite)
    else:
        _publish_directory(folder, path, overwrite)


def _publish_zip(folder: Path, path: Path, overwrite: bool) -> None:
    if path.is_dir():
        raise FileExistsError(f"save: path={str(path)!r} is a directory, not a .zip file.")
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"save: path={str(path)!r} exists; pass overwrite=True to replace it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    archive.write(file, file.relative_to(folder).as_posix())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _publish_directory(folder: Path, path: Path, overwrite: bool) -> None:
    if path.exists() and not path.is_dir():
        raise FileExistsError(
            f"save: path={str(path)!r} exists and is a file; a directory save needs a new or "
            "empty directory (or a name ending in .zip)."
        )
    earlier = path.is_dir() and any(path.iterdir())
    if earlier and not overwrite:
        raise FileExistsError(
            f"save: path={str(path)!r} exists and is not an empty directory; pass "
            "overwrite=True to replace an earlier save."
        )
    if earlier and not (path / MANIFEST).is_file():
        raise FileExistsError(
            f"save: path={str(path)!r} holds files that are not a skweight save; overwrite=True "
            "replaces only an earlier save, never other files."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    aside = None
    try:
        for file in folder.iterdir():
            shutil.move(str(file), staging / file.name)
        if path.is_dir():
            aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            os.replace(path, aside)
        os.replace(staging, path)
    except BaseException:
        if aside is not None and not path.exists():
            os.replace(aside, path)  # put the earlier save back
            aside = None
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)


def extract(path: Path, folder: Path, *, max_member_bytes: int = MAX_MEMBER_BYTES) -> None:
    """Extract the archive ``path`` into ``folder``, refusing what a save cannot hold."""
    if (
        isinstance(max_member_bytes, bool)
        or not isinstance(max_member_bytes, int)
        or (max_member_bytes < 1)
    ):
        raise ValueError(f"load: max_member_bytes must be an int >= 1; got {max_member_bytes!r}.")
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if not member.is_dir():
                    _extract_member(archive, member, path, folder, max_member_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError,
            NotImplementedError) as exc:  # fmt: skip
        raise ValueError(
            f"load: {path} is a corrupt or truncated zip archive ({type(exc).__name__}: {exc}); "
            "save the estimator again."
        ) from exc


def _extract_member(archive, member, path: Path, folder: Path, limit: int) -> None:
    name = member.filename
    if not MEMBER_NAME.match(name):
        raise ValueError(f"load: {path} contains {name!r}, which is not part of a skweight save.")
    too_big = (
        f"load: {path} member {name!r} is larger than {limit} bytes uncompressed, the limit "
        "(skweight.persistence.MAX_MEMBER_BYTES; raise it with load(..., max_member_bytes=...) "
        "for a very large network you trust)."
    )
    if member.file_size > limit:
        raise ValueError(too_big)
    if member.file_size > RATIO_CHECK_BYTES and (
        member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
    ):
        ratio = member.file_size // max(member.compress_size, 1)
        raise ValueError(
            f"load: {path} member {name!r} expands {ratio}-fold ({member.compress_size} to "
            f"{member.file_size} bytes), beyond the "
            f"{MAX_COMPRESSION_RATIO}-fold limit; a skweight save never compresses that well."
        )
    target = folder / name
    target.parent.mkdir(exist_ok=True)
    written = 0
    with archive.open(member) as source, open(target, "wb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > limit or written > max(member.file_size, 0):
                raise ValueError(too_big if written > limit else (
                    f"load: {path} member {name!r} holds more bytes than its header says; "
                    "the archive is corrupt or crafted."
                ))  # fmt: skip
            out.write(chunk)
