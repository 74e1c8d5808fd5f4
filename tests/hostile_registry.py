"""The hostile-input cases of the registry: the cadre record, photo and kinship, the Excel and LRMX imports."""

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from .hostile_cases import (
    BAD_DAY,
    BAD_MONTH,
    CADRE,
    HUGE,
    IMPORT_REFUSED,
    MISSING,
    NO_KWARGS,
    SCRIPT,
    XML_BOMB,
    XXE,
    Hostile,
    hostile_sheet,
    lrmx_file,
    lrmx_of,
    new_cadre,
    our_cadre,
    param,
    png_bomb_bytes,
    text_as,
    zip_bomb_xlsx,
)

REGISTRY_CASES = [
    # ---- registry: the cadre record ----
    param("cadre_create-huge-name", Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"name": HUGE})),
    param(
        "cadre_create-script-name-echoed",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"name": SCRIPT, "birth_date": BAD_DAY}),
    ),
    param(
        "cadre_create-bad-day",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"birth_date": BAD_DAY}),
    ),
    param(
        "cadre_create-bad-month",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"work_started_on": BAD_MONTH}),
    ),
    param(
        "cadre_create-letters-in-id-number",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"id_number": "ABCDEFGHIJKLMNOPQR"}),
    ),
    param(
        "cadre_create-foreign-organization",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"organization": str(s.theirs.world.org.pk)}),
    ),
    param(
        "cadre_create-missing-organization",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"organization": MISSING}),
    ),
    param(
        "cadre_create-letters-for-organization",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"organization": "abc"}),
    ),
    param(
        "cadre_create-foreign-department",
        Hostile(
            "cadre_create", NO_KWARGS, new_cadre, lambda s: {"department": str(s.theirs.world.department.pk)}
        ),
    ),
    param(
        "cadre_create-letters-in-formset-count",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"resume-TOTAL_FORMS": "abc"}),
    ),
    param(
        "cadre_create-negative-assessment-year",
        Hostile(
            "cadre_create",
            NO_KWARGS,
            new_cadre,
            lambda s: {
                "assessments-TOTAL_FORMS": "1",
                "assessments-0-year": "-2025",
                "assessments-0-result": "x",
            },
        ),
    ),
    param("cadre_edit-bad-day", Hostile("cadre_edit", CADRE, our_cadre, lambda s: {"birth_date": BAD_DAY})),
    param("cadre_edit-huge-name", Hostile("cadre_edit", CADRE, our_cadre, lambda s: {"name": HUGE})),
    param(
        "cadre_edit-foreign-organization",
        Hostile("cadre_edit", CADRE, our_cadre, lambda s: {"organization": str(s.theirs.world.org.pk)}),
    ),
    param(
        "cadre_edit-script-echoed",
        Hostile(
            "cadre_edit", CADRE, our_cadre, lambda s: {"expertise": SCRIPT, "work_started_on": BAD_MONTH}
        ),
    ),
    # ---- registry: photo and kinship ----
    param(
        "cadre_photo-text-named-jpg",
        Hostile("cadre_photo", CADRE, spoil=lambda s: {"photo": text_as("照片.jpg")}),
    ),
    param(
        "cadre_photo-pdf-named-png",
        Hostile(
            "cadre_photo",
            CADRE,
            spoil=lambda s: {"photo": SimpleUploadedFile("照片.png", b"%PDF-1.4\n%%EOF")},
        ),
    ),
    param(
        "cadre_photo-empty-file",
        Hostile("cadre_photo", CADRE, spoil=lambda s: {"photo": SimpleUploadedFile("照片.jpg", b"")}),
    ),
    param(
        "cadre_photo-truncated-jpeg",
        Hostile(
            "cadre_photo",
            CADRE,
            spoil=lambda s: {"photo": SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0junk")},
        ),
    ),
    param(
        "cadre_photo-decompression-bomb",
        Hostile(
            "cadre_photo", CADRE, spoil=lambda s: {"photo": SimpleUploadedFile("照片.png", png_bomb_bytes())}
        ),
    ),
    param(
        "kinship_add-foreign-cadre",
        Hostile(
            "kinship_add",
            CADRE,
            spoil=lambda s: {"other": str(s.theirs.cadre.pk), "category": "spouse"},
        ),
    ),
    param(
        "kinship_add-missing-cadre",
        Hostile("kinship_add", CADRE, spoil=lambda s: {"other": MISSING, "category": "spouse"}),
    ),
    param(
        "kinship_add-letters-for-cadre",
        Hostile("kinship_add", CADRE, spoil=lambda s: {"other": "abc", "category": "spouse"}),
    ),
    param(
        "kinship_add-self",
        Hostile("kinship_add", CADRE, spoil=lambda s: {"other": str(s.ours.cadre.pk), "category": "spouse"}),
    ),
    param(
        "kinship_add-script-category",
        Hostile(
            "kinship_add",
            CADRE,
            spoil=lambda s: {"other": str(s.ours.world.cadres[2].pk), "category": SCRIPT},
        ),
    ),
    # ---- Excel and LRMX imports ----
    param(
        "cadre_import-text-named-xlsx",
        Hostile("cadre_import", NO_KWARGS, spoil=lambda s: {"file": text_as("干部.xlsx")}),
    ),
    param(
        "cadre_import-zip-bomb", Hostile("cadre_import", NO_KWARGS, spoil=lambda s: {"file": zip_bomb_xlsx()})
    ),
    param(
        "cadre_import-hostile-cells",
        Hostile(
            "cadre_import",
            NO_KWARGS,
            spoil=lambda s: {"file": hostile_sheet()},
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "cadre_import_confirm-forged-token",
        Hostile("cadre_import_confirm", NO_KWARGS, spoil=lambda s: {"token": "../../etc/passwd"}),
    ),
    param(
        "lrmx_import-text-named-lrmx",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {"files": text_as("陈晓明.lrmx")},
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-xml-bomb",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {"files": lrmx_file("炸弹.lrmx", XML_BOMB)},
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-external-entity",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {"files": lrmx_file("外部实体.lrmx", XXE)},
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-not-utf8",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {
                "files": lrmx_file("乱码.lrmx", "<Person>陈</Person>".encode("gbk") + b"\xff\xfe")
            },
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-bad-dates-and-script",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {
                "files": lrmx_file(
                    "陈晓明.lrmx",
                    lrmx_of(s, XingMing="&lt;script&gt;alert(1)&lt;/script&gt;", ChuShengNianYue="2026.13"),
                )
            },
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-photo-bomb",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {
                "files": lrmx_file(
                    "陈晓明.lrmx", lrmx_of(s, ZhaoPian=base64.b64encode(png_bomb_bytes()).decode())
                )
            },
            marker=IMPORT_REFUSED,
        ),
    ),
]
