"""LRMX exchange: reading the official editor's files, writing the 34 elements, round trips, hostile XML."""

import base64
import io
from datetime import date
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image
from stdnum.cn import ric

from selection.interchange import lrmx
from selection.interchange.importing import ImportRefused, import_lrmx_files, preview_lrmx_files
from selection.interchange.records import ImportFileError
from selection.models import Cadre, EducationLevel, Post, PostHolding, Rank

from .factories import DepartmentFactory

SAMPLE = Path(__file__).resolve().parent.parent / "selection" / "interchange" / "samples" / "sample.lrmx"
SAMPLE_ID = "330523198307160151"
OFFICIAL_ORDER = [
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "JiaTingChengYuan",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
    "ZhaoPian",
    "Version",
]


def make_id(birth: date, male: bool = True, seq: int = 1, region: str = "330523") -> str:
    body = f"{region}{birth:%Y%m%d}{(seq * 2 + (1 if male else 0)) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips a check digit place


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 80, 40)).save(out, format="JPEG")
    return out.getvalue()


def lrmx_file(**values: str) -> bytes:
    """A minimal valid file; keyword arguments replace or add elements (None leaves one out)."""
    birth = date(1990, 11, 5)
    elements = {
        "XingMing": "李丽娟",
        "XingBie": "女",
        "ChuShengNianYue": "199011",
        "MinZu": "汉族",
        "RuDangShiJian": "",
        "CanJiaGongZuoShiJian": "201308",
        "ShenFenZheng": make_id(birth, male=False),
        "Version": "3.2.1.6",
    }
    elements.update(values)
    body = "".join(f"<{tag}>{text}</{tag}>" for tag, text in elements.items() if text is not None)
    return f'<?xml version="1.0" encoding="UTF-8"?><Person>{body}</Person>'.encode()


def snapshot(cadre: Cadre) -> dict:
    cadre = Cadre.objects.for_detail().get(pk=cadre.pk)
    fields = {
        f.attname: getattr(cadre, f.attname)
        for f in Cadre._meta.concrete_fields
        if f.name not in {"updated_at", "photo"}
    }
    photo = b""
    if cadre.photo:
        with cadre.photo.open("rb") as stored:
            photo = stored.read()
    return {
        **fields,
        "photo": photo,
        "education": sorted((e.kind, e.level, e.degree, e.school_and_major) for e in cadre.education.all()),
        "assessments": sorted((a.year, a.result) for a in cadre.assessments.all()),
        "holdings": sorted((h.post_id, h.started_on, h.ended_on) for h in cadre.holdings.all()),
        "resume": [(r.started_on, r.ended_on, r.text, r.is_note) for r in cadre.resume.all()],
        "family": [
            (m.relation, m.name, m.birth_date, m.political_status, m.unit_and_post, m.deceased)
            for m in cadre.family.all()
        ],
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sample_cadre(org, hr) -> Cadre:
    import_lrmx_files([("sample.lrmx", SAMPLE.read_bytes())], org, by=hr)
    return Cadre.objects.get(id_number=SAMPLE_ID)


# ---- reading --------------------------------------------------------------------------------------------


def test_a_realistic_file_imports_every_section(sample_cadre, org):
    cadre = sample_cadre
    assert cadre.organization == org
    assert (cadre.name, cadre.sex, cadre.birth_date) == ("赵建华", "男", date(1983, 7, 16))  # day from the ID
    assert (cadre.native_place, cadre.party_joined_on, cadre.party_note) == ("浙江安吉", date(2004, 6, 1), "")
    assert cadre.work_started_on == date(2004, 8, 1)
    assert cadre.expertise == "医疗保障政策"
    assert cadre.rewards_and_punishments == "2021年被评为市医疗保障系统先进工作者"
    assert dict(cadre.assessments.values_list("year", "result")) == {2024: "称职", 2025: "称职"}
    education = {e.kind: e for e in cadre.education.all()}
    assert education["full_time"].level == EducationLevel.UNDERGRADUATE  # “大学”
    assert education["full_time"].degree == "法学学士"
    assert education["in_service"].level == EducationLevel.POSTGRADUATE
    assert education["in_service"].school_and_major == "浙江省委党校经济学专业"
    resume = list(cadre.resume.order_by("order"))
    assert [(r.started_on, r.ended_on, r.is_note) for r in resume] == [
        (date(2000, 9, 1), date(2004, 7, 1), False),
        (date(2004, 8, 1), date(2010, 12, 1), False),
        (date(2011, 1, 1), date(2019, 2, 1), False),
        (None, None, True),
        (date(2019, 3, 1), None, False),
    ]
    assert resume[3].text == "（其间：2012.09--2015.07在浙江省委党校经济学专业在职研究生学习）"
    assert resume[4].text == "安吉县医疗保障局待遇保障科科长"
    family = list(cadre.family.order_by("order"))
    assert [(m.relation, m.name, m.birth_date, m.political_status) for m in family] == [
        ("妻子", "周敏", date(1984, 5, 1), "中共党员"),
        ("儿子", "赵一鸣", date(2011, 9, 1), "群众"),
        ("父亲", "赵国强", date(1955, 3, 1), "群众"),
    ]
    assert (family[2].unit_and_post, family[2].deceased) == ("安吉县递铺镇农民", True)
    with cadre.photo.open("rb") as stored, Image.open(stored) as photo:
        assert photo.size == (192, 240)  # 200×240 cropped to 4:5


def test_the_current_post_is_matched_to_a_post_of_the_organization(org):
    department = DepartmentFactory(organization=org, name="待遇保障科")
    post = Post.objects.create(organization=org, department=department, title="科长", rank=Rank.CHIEF)
    import_lrmx_files([("sample.lrmx", SAMPLE.read_bytes())], org)
    holding = PostHolding.objects.get()
    assert (holding.post, holding.started_on, holding.ended_on) == (post, date(2019, 3, 1), None)


def test_an_unknown_current_post_is_only_a_warning(org):
    plan = import_lrmx_files([("sample.lrmx", SAMPLE.read_bytes())], org)
    assert [w.column for w in plan.warnings] == ["现任职务"]
    assert PostHolding.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "joined", "note"),
    [
        ("200108", date(2001, 8, 1), ""),
        ("2001.08", date(2001, 8, 1), ""),
        ("民建", None, "民建"),
        ("无党派", None, "无党派"),
        ("200108；民建", date(2001, 8, 1), "民建"),
    ],
)
def test_party_joining_may_be_a_date_party_names_or_both(org, value, joined, note):
    import_lrmx_files([("a.lrmx", lrmx_file(RuDangShiJian=value))], org)
    cadre = Cadre.objects.get()
    assert (cadre.party_joined_on, cadre.party_note) == (joined, note)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("2024年、2025年年度考核均为称职。", {2024: "称职", 2025: "称职"}),
        ("2024年年度考核为称职，2025年年度考核为优秀。", {2024: "称职", 2025: "优秀"}),
        ("2024年度考核基本称职，2025年度考核不称职", {2024: "基本称职", 2025: "不称职"}),
        ("近两年考核良好", None),
        ("2024年、2025年年度考核", None),
    ],
)
def test_assessment_sentences_are_read_when_they_can_be(sentence, expected):
    assert lrmx.parse_assessments(sentence) == expected


def test_an_unreadable_assessment_sentence_is_kept_with_the_rewards(org):
    import_lrmx_files(
        [("a.lrmx", lrmx_file(JiangChengQingKuang="无", NianDuKaoHeJieGuo="近两年考核良好"))], org
    )
    cadre = Cadre.objects.get()
    assert cadre.rewards_and_punishments == "无\n年度考核：近两年考核良好"
    assert cadre.assessments.count() == 0


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("大学", "undergraduate"),
        ("大学本科", "undergraduate"),
        ("研究生", "postgraduate"),
        ("大专", "college"),
        ("中专", "technical"),
    ],
)
def test_education_text_maps_to_the_level(org, text, level):
    import_lrmx_files([("a.lrmx", lrmx_file(QuanRiZhiJiaoYu_XueLi=text))], org)
    assert Cadre.objects.get().education.get().level == level


def test_birth_month_must_agree_with_the_id_number(org):
    with pytest.raises(ImportRefused) as refused:
        import_lrmx_files([("a.lrmx", lrmx_file(ChuShengNianYue="199012"))], org)
    assert [(p.source, p.column) for p in refused.value.plan.problems] == [("a.lrmx", "出生年月")]
    assert Cadre.objects.count() == 0


def test_import_updates_the_cadre_with_the_same_id_number(org, sample_cadre):
    changed = SAMPLE.read_text(encoding="utf-8").replace("<MinZu>汉族</MinZu>", "<MinZu>畲族</MinZu>")
    plan = import_lrmx_files([("sample.lrmx", changed.encode())], org)
    assert [item.changes for item in plan.updated] == [["民族"]]
    assert Cadre.objects.get().ethnicity == "畲族"


def test_several_files_import_all_or_none(org):
    good = lrmx_file()
    bad = lrmx_file(
        ShenFenZheng=make_id(date(1985, 3, 12), seq=2), XingMing="王", CanJiaGongZuoShiJian="明年"
    )
    with pytest.raises(ImportRefused):
        import_lrmx_files([("good.lrmx", good), ("bad.lrmx", bad)], org)
    assert Cadre.objects.count() == 0


# ---- hostile or broken files ------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Person><XingMing>&lol3;</XingMing></Person>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Person [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Person><XingMing>&secret;</XingMing></Person>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "不安全"),
        (EXTERNAL_ENTITY, "不安全"),
        (b"<Person><XingMing>unclosed</Person>", "无法解析"),
        (b"\x89PNG\r\n\x1a\n not xml", "无法解析"),
        (b"<Cadre><XingMing>x</XingMing></Cadre>", "根元素应为 Person"),
        (b"<Person>" + b" " * (6 * 1024 * 1024) + b"</Person>", "文件太大"),
    ],
)
def test_malicious_or_broken_xml_is_refused_and_changes_nothing(org, data, message):
    with pytest.raises(ImportFileError, match=message):
        import_lrmx_files([("evil.lrmx", data)], org)
    assert Cadre.objects.count() == 0


def test_a_photo_that_is_not_an_image_is_reported(org):
    junk = base64.b64encode(b"not a jpeg").decode()
    with pytest.raises(ImportRefused) as refused:
        import_lrmx_files([("a.lrmx", lrmx_file(ZhaoPian=junk))], org)
    assert refused.value.plan.problems[0].column == "照片"


# ---- writing --------------------------------------------------------------------------------------------


def test_export_writes_the_34_elements_in_the_official_order(sample_cadre):
    data = lrmx.export_lrmx(
        sample_cadre,
        proposed_post="县医保局副局长",
        reason="工作需要",
        age_on=date(2026, 3, 1),
        filled_by="孙丽",
    )
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = fromstring(data)
    assert root.tag == "Person"
    assert root.attrib == {}
    assert [child.tag for child in root] == OFFICIAL_ORDER == lrmx.ELEMENTS
    text = {child.tag: (child.text or "").strip() for child in root}
    assert text["Version"] == "3.2.1.6"
    assert text["ChuShengNianYue"] == "198307"
    assert text["CanJiaGongZuoShiJian"] == "200408"
    assert text["RuDangShiJian"] == "200406"
    assert text["JiSuanNianLingShiJian"] == "202603"
    assert text["NiRenZhiWu"] == "县医保局副局长"
    assert text["NianDuKaoHeJieGuo"] == "2024年、2025年年度考核均为称职。"
    assert "2019.03--         安吉县医疗保障局待遇保障科科长" in text["JianLi"].split("\n")
    items = root.find("JiaTingChengYuan").findall("Item")
    assert [i.findtext("ChengWei") for i in items] == ["妻子", "儿子", "父亲"]
    assert items[2].findtext("GongZuoDanWeiJiZhiWu") == "安吉县递铺镇农民（已去世）"
    assert items[0].find("NianLing") is None  # age is never stored
    with sample_cadre.photo.open("rb") as stored:
        assert base64.b64decode(text["ZhaoPian"]) == stored.read()


def test_import_export_import_changes_nothing(org, sample_cadre):
    department = DepartmentFactory(organization=org, name="待遇保障科")
    Post.objects.create(organization=org, department=department, title="科长", rank=Rank.CHIEF)
    import_lrmx_files([("sample.lrmx", SAMPLE.read_bytes())], org)  # now with the holding
    before = snapshot(sample_cadre)
    history = sample_cadre.history.count()
    exported = lrmx.export_lrmx(Cadre.objects.get(pk=sample_cadre.pk))
    plan = import_lrmx_files([("exported.lrmx", exported)], org)
    assert [item.changes for item in plan.items] == [[]]
    assert snapshot(sample_cadre) == before
    assert sample_cadre.history.count() == history


def test_party_names_and_deceased_members_survive_a_round_trip(org):
    import_lrmx_files(
        [
            (
                "a.lrmx",
                lrmx_file(
                    RuDangShiJian="200108；民建",
                    JiaTingChengYuan="<Item><ChengWei>母亲</ChengWei><XingMing>张秀英</XingMing>"
                    "<ChuShengRiQi>196002</ChuShengRiQi><ZhengZhiMianMao>民建会员</ZhengZhiMianMao>"
                    "<GongZuoDanWeiJiZhiWu>退休（已去世）</GongZuoDanWeiJiZhiWu></Item>",
                ),
            )
        ],
        org,
    )
    cadre = Cadre.objects.get()
    before = snapshot(cadre)
    plan = preview_lrmx_files([("b.lrmx", lrmx.export_lrmx(cadre))], org)
    assert plan.ok
    assert [item.changes for item in plan.items] == [[]]
    assert snapshot(cadre) == before


# ---- pages and commands -------------------------------------------------------------------------------------


def test_hr_imports_several_files_on_the_page(client, hr):
    client.force_login(hr)
    first, second = io.BytesIO(SAMPLE.read_bytes()), io.BytesIO(lrmx_file())
    first.name, second.name = "赵建华.lrmx", "李丽娟.lrmx"
    response = client.post(reverse("lrmx_import"), {"files": [first, second]})
    assert response.status_code == 200
    assert "新增 2 人" in response.text
    assert Cadre.objects.count() == 0  # the preview writes nothing
    token = client.session["lrmx_import"]["token"]
    response = client.post(reverse("lrmx_import_confirm"), {"token": token}, follow=True)
    assert "LRMX 导入完成" in response.text
    assert Cadre.objects.count() == 2
    assert set(Cadre.objects.values_list("organization", flat=True)) == {hr.organization_id}


def test_the_page_shows_the_problems_of_a_bad_file(client, hr):
    client.force_login(hr)
    evil = io.BytesIO(BILLION_LAUGHS)
    evil.name = "evil.lrmx"
    response = client.post(reverse("lrmx_import"), {"files": [evil]})
    assert response.status_code == 200
    assert "不安全" in response.text
    bad = io.BytesIO(lrmx_file(ChuShengNianYue="199012"))
    bad.name = "bad.lrmx"
    response = client.post(reverse("lrmx_import"), {"files": [bad]})
    assert response.status_code == 200
    assert "出生年月与公民身份号码中的出生日期不一致" in response.text
    assert Cadre.objects.count() == 0


def test_hr_and_the_auditor_download_the_lrmx_of_a_cadre(client, hr, auditor, sample_cadre):
    for user in (hr, auditor):
        client.force_login(user)
        response = client.get(reverse("cadre_lrmx", args=[sample_cadre.pk]), {"proposed_post": "副局长"})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        root = fromstring(b"".join(response.streaming_content))
        assert root.findtext("NiRenZhiWu") == "副局长"
        assert root.findtext("TianBiaoRen") == user.get_full_name()


def test_permissions_staff_get_403_and_other_organizations_404(client, staff, outsider, sample_cadre):
    client.force_login(staff)
    assert client.get(reverse("cadre_lrmx", args=[sample_cadre.pk])).status_code == 403
    assert client.get(reverse("lrmx_import")).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("cadre_lrmx", args=[sample_cadre.pk])).status_code == 404


def test_commands_import_and_export_lrmx(org, tmp_path, capsys):
    call_command("import_lrmx", str(SAMPLE), "--organization", str(org.pk))
    cadre = Cadre.objects.get()
    out = tmp_path / "out.lrmx"
    call_command("export_lrmx", str(cadre.pk), "-o", str(out), "--proposed-post", "副局长")
    assert fromstring(out.read_bytes()).findtext("NiRenZhiWu") == "副局长"
    broken = tmp_path / "broken.lrmx"
    broken.write_bytes(b"<Person>")
    with pytest.raises(CommandError, match="无法解析"):
        call_command("import_lrmx", str(broken), "--organization", str(org.pk))
