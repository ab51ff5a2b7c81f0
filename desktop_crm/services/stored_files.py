"""Reading a file the user picked (a scan, a document) to keep it inside the store."""

from __future__ import annotations

from pathlib import Path

from .errors import ValidationError


def read_user_file(
    path: str | Path, limit_bytes: int, field: str, noun: str = "文件", advice: str = ""
) -> tuple[str, bytes]:
    """The file's name and bytes, or ValidationError on `field` saying in Chinese why not
    (missing, unreadable, empty, larger than `limit_bytes` — `advice` follows that one)."""
    file = Path(path)
    limit = f"最大 {limit_bytes // 1048576} MB"
    try:
        if not file.is_file():
            raise ValidationError(f"找不到{noun}：{file}", field=field)
        size = file.stat().st_size
        if size > limit_bytes:
            raise ValidationError(
                f"{noun}太大（{size / 1048576:.1f} MB），{limit}。{advice}".rstrip(), field=field
            )
        data = file.read_bytes()
    except OSError as error:
        raise ValidationError(
            f"无法读取{noun} {file.name}：{error.strerror or error}", field=field
        ) from None
    if not data:
        raise ValidationError(f"{noun} {file.name} 是空文件。", field=field)
    if len(data) > limit_bytes:  # grew while we looked
        raise ValidationError(f"{noun}太大，{limit}。", field=field)
    return file.name, data
