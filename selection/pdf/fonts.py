"""Font stacks for the official forms: licensed fonts from `settings.XUANBA_FONTS_DIR` first, then Noto CJK.

Operators may drop 方正小标宋 / 宋体 / 仿宋_GB2312 into the fonts folder; they are declared with
`@font-face` under our own family names and listed before the Noto fonts that fontconfig finds on the
system (Debian `fonts-noto-cjk`). Pango falls back glyph by glyph along the stack, so a licensed font
with a small repertoire (GB2312) never leaves a character missing: Noto covers the rest.
"""

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTCollection, TTFont, TTLibError

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")

# Substrings (lower-cased) of file or family names, in order of preference. The forms are set in a
# Song face (FORMS.md §1); 仿宋 only when no 宋体 was supplied. The title face is 方正小标宋.
TITLE_PATTERNS = ("小标宋", "xiaobiaosong", "xbs")
BODY_PATTERNS = ("宋体", "simsun", "songti", "仿宋", "fangsong")

SYSTEM_SERIF = ('"Noto Serif CJK SC"', '"Noto Sans CJK SC"', "serif")


@dataclass(frozen=True)
class FontStack:
    """The `@font-face` rules and the `font-family` values to use in the print CSS."""

    font_faces: str
    body: str
    title: str
    title_is_licensed: bool


def _names(path: Path) -> list[str]:
    """File stem and family names of a font file, lower-cased, for matching against the patterns."""
    names = [path.stem.lower()]
    try:
        fonts = TTCollection(path).fonts if path.suffix.lower() == ".ttc" else [TTFont(path, lazy=True)]
    except (TTLibError, OSError):
        return names
    for font in fonts[:1]:  # WeasyPrint loads the first face of a collection
        for record in font["name"].names:
            if record.nameID in (1, 4, 16):
                try:
                    names.append(record.toUnicode().lower())
                except UnicodeDecodeError:
                    continue
    return names


def _pick(files: dict[Path, list[str]], patterns: tuple[str, ...]) -> list[Path]:
    picked: list[Path] = []
    for pattern in patterns:
        for path, names in files.items():
            if path not in picked and any(pattern in name for name in names):
                picked.append(path)
    return picked


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """The font files of the folder, with size and modification time: what a cached stack depends on."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return ()
    files = []
    for entry in entries:
        if Path(entry.name).suffix.lower() in FONT_SUFFIXES and entry.is_file():
            info = entry.stat()
            files.append((entry.name, info.st_size, info.st_mtime_ns))
    return tuple(files)


@cache
def _stack_for(fonts_dir: str, signature: tuple[tuple[str, int, int], ...]) -> FontStack:
    directory = Path(fonts_dir)
    paths = [directory / name for name, _size, _mtime in signature]
    files = {path: _names(path) for path in paths}
    title_files = _pick(files, TITLE_PATTERNS)
    body_files = _pick(files, BODY_PATTERNS)

    faces: list[str] = []
    families: dict[str, list[str]] = {"title": [], "body": []}
    for role, chosen in (("title", title_files), ("body", body_files)):
        for index, path in enumerate(chosen):
            family = f"xuanba-{role}-{index}"
            families[role].append(f'"{family}"')
            faces.append(f'@font-face {{ font-family: "{family}"; src: url("{path.absolute().as_uri()}"); }}')
    body = ", ".join([*families["body"], *SYSTEM_SERIF])
    title = ", ".join([*families["title"], *families["body"], *SYSTEM_SERIF])
    return FontStack(font_faces="\n".join(faces), body=body, title=title, title_is_licensed=bool(title_files))


def folder_signature() -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The configured fonts folder and its font files (name, size, mtime): a cache key for render state."""
    directory = Path(settings.XUANBA_FONTS_DIR)
    return str(directory), _signature(directory)


def font_stack() -> FontStack:
    """The stack for the configured fonts folder (read again only when its font files change)."""
    return _stack_for(*folder_signature())


def fonts_dir() -> Path:
    return Path(settings.XUANBA_FONTS_DIR).absolute()
