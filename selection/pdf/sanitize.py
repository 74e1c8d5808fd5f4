"""Active content out of the case file: stored PDFs (uploads above all) are merged without their scripts.

An uploaded PDF may carry JavaScript (document-level, on open, on page or field events), launch or
submit actions, links to the outside, embedded files and forms with scripts. The official case file keeps
each page's look and drops all of it: what remains are pages, their appearance and links to pages of
the file itself (`/GoTo`), with nothing chained after them.
"""

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

ROOT_KEYS = ("/OpenAction", "/AA", "/AcroForm", "/URI")
NAME_TREES = ("/JavaScript", "/EmbeddedFiles")
KEPT_ACTION = "/GoTo"


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _clean_action_holder(holder: DictionaryObject) -> None:
    """Drop event actions, and an /A unless it is a plain jump inside the file."""
    if "/AA" in holder:
        del holder[NameObject("/AA")]
    action = _resolve(holder.get("/A"))
    if isinstance(action, DictionaryObject):
        if action.get("/S") != KEPT_ACTION:
            del holder[NameObject("/A")]
        elif "/Next" in action:
            del action[NameObject("/Next")]


def _clean_outline(item) -> None:
    seen: set[int] = set()
    while isinstance(item, DictionaryObject) and id(item) not in seen:
        seen.add(id(item))
        _clean_action_holder(item)
        _clean_outline(_resolve(item.get("/First")))
        item = _resolve(item.get("/Next"))


def strip_active_content(writer: PdfWriter) -> None:
    root = writer._root_object
    for key in ROOT_KEYS:
        if key in root:
            del root[NameObject(key)]
    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        for key in NAME_TREES:
            if key in names:
                del names[NameObject(key)]
    for page in writer.pages:
        if "/AA" in page:
            del page[NameObject("/AA")]
        annotations = _resolve(page.get("/Annots"))
        if isinstance(annotations, ArrayObject):
            for annotation in annotations:
                annotation = _resolve(annotation)
                if isinstance(annotation, DictionaryObject):
                    _clean_action_holder(annotation)
    outlines = _resolve(root.get("/Outlines"))
    if isinstance(outlines, DictionaryObject):
        _clean_outline(_resolve(outlines.get("/First")))
    # The scripts' objects were copied in with the pages: drop what nothing refers to any more.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
