"""Write the sample files next to this script: `cadres-sample.xlsx` and `sample.lrmx`.

Run with `.venv/bin/python selection/interchange/samples/make_samples.py`. The people are invented; their
ID numbers carry valid check digits. The LRMX file imitates the official editor's output: pretty-printed,
with newer elements we ignore and a Base64 JPEG photo.
"""

import base64
import io
import sys
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw
from stdnum.cn import ric

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def id_number(birth: date, male: bool, seq: int = 1, region: str = "330523") -> str:
    """A valid 18-digit ID: region, birth date, sequence (odd for men) and check digit."""
    body = f"{region}{birth:%Y%m%d}{(seq * 2 + (1 if male else 0)) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips a check digit place


def portrait_jpeg(width: int = 160, height: int = 200) -> bytes:
    image = Image.new("RGB", (width, height), (70, 110, 170))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.5), fill=(240, 210, 190))
    draw.rectangle((width * 0.2, height * 0.55, width * 0.8, height), fill=(30, 30, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


SAMPLE_ROWS = [
    # 姓名, 性别, 出生日期, 民族, 籍贯, 出生地, 入党时间, 党派, 参加工作时间, 健康状况, 专业技术职务, 专长, 科室,
    # 全日制学历, 学位, 院校, 在职学历, 学位, 院校, 奖惩, 考核 ×2
    (
        "陈晓峰",
        True,
        date(1985, 3, 12),
        "汉族",
        "浙江安吉",
        "浙江安吉",
        "2008-06",
        "",
        "2008-07-01",
        "健康",
        "经济师",
        "医保基金监管",
        "基金监管科",
        "大学本科",
        "管理学学士",
        "浙江工商大学财务与会计学院会计学专业",
        "研究生",
        "公共管理硕士",
        "浙江大学公共管理学院公共管理专业",
        "无",
        "称职",
        "优秀",
    ),
    (
        "李丽娟",
        False,
        date(1990, 11, 5),
        "汉族",
        "浙江湖州",
        "浙江安吉",
        "",
        "民建",
        "2013年8月",
        "健康",
        "",
        "医药价格管理",
        "医药服务管理科",
        "大学本科",
        "法学学士",
        "华东政法大学法律学院法学专业",
        "",
        "",
        "",
        "2023年度被评为县优秀公务员",
        "优秀",
        "称职",
    ),
    (
        "王海涛",
        True,
        date(1983, 9, 23),
        "畲族",
        "浙江安吉",
        "浙江安吉",
        "2005.07",
        "",
        "2004.08",
        "健康",
        "会计师",
        "财务管理",
        "规划财务和法规科",
        "大学专科",
        "",
        "浙江财经学院会计专业",
        "大学本科",
        "",
        "中央广播电视大学会计学专业",
        "无",
        "称职",
        "称职",
    ),
]


def write_xlsx() -> Path:
    from selection.interchange.xlsx import _workbook, assessment_years, columns_for

    rows = []
    for seq, row in enumerate(SAMPLE_ROWS, start=1):
        name, male, birth, *rest = row
        ethnicity, native, birthplace, party, note, work, health, title, expertise, dept = rest[:10]
        education, rewards, results = rest[10:16], rest[16], rest[17:19]
        rows.append(
            [
                name,
                "男" if male else "女",
                birth,
                id_number(birth, male, seq),
                ethnicity,
                native,
                birthplace,
                party or None,
                note or None,
                work,
                health,
                title or None,
                expertise or None,
                dept,
                None,
                None,
                *(value or None for value in education),
                rewards,
                *results,
            ]
        )
    path = HERE / "cadres-sample.xlsx"
    path.write_bytes(_workbook(columns_for(assessment_years(date(2026, 3, 1))), rows))
    return path


LRMX = """<?xml version="1.0" encoding="UTF-8"?>
<Person>
  <XingMing>
    赵建华
  </XingMing>
  <XingBie>男</XingBie>
  <ChuShengNianYue>198307</ChuShengNianYue>
  <MinZu>汉族</MinZu>
  <JiGuan>浙江安吉</JiGuan>
  <ChuShengDi>浙江安吉</ChuShengDi>
  <RuDangShiJian>200406</RuDangShiJian>
  <CanJiaGongZuoShiJian>2004.08</CanJiaGongZuoShiJian>
  <JianKangZhuangKuang>健康</JianKangZhuangKuang>
  <ZhuanYeJiShuZhiWu></ZhuanYeJiShuZhiWu>
  <ShuXiZhuanYeYouHeZhuanChang>医疗保障政策</ShuXiZhuanYeYouHeZhuanChang>
  <QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi>
  <QuanRiZhiJiaoYu_XueWei>法学学士</QuanRiZhiJiaoYu_XueWei>
  <QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>浙江师范大学法政学院思想政治教育专业</QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>
  <QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi></QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi>
  <ZaiZhiJiaoYu_XueLi>研究生</ZaiZhiJiaoYu_XueLi>
  <ZaiZhiJiaoYu_XueWei></ZaiZhiJiaoYu_XueWei>
  <ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>浙江省委党校经济学专业</ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>
  <ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi></ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi>
  <XianRenZhiWu>县医保局待遇保障科科长</XianRenZhiWu>
  <NiRenZhiWu>县医保局副局长</NiRenZhiWu>
  <NiMianZhiWu>县医保局待遇保障科科长</NiMianZhiWu>
  <JianLi>
    2000.09--2004.07  浙江师范大学法政学院思想政治教育专业学习
    2004.08--2010.12  安吉县劳动和社会保障局科员
    2011.01--2019.02  安吉县人力资源和社会保障局医疗保险科副科长
    （其间：2012.09--2015.07在浙江省委党校经济学专业在职研究生学习）
    2019.03--         安吉县医疗保障局待遇保障科科长
  </JianLi>
  <JiangChengQingKuang>2021年被评为市医疗保障系统先进工作者</JiangChengQingKuang>
  <NianDuKaoHeJieGuo>2024年、2025年年度考核均为称职。</NianDuKaoHeJieGuo>
  <RenMianLiYou>工作需要</RenMianLiYou>
  <JiaTingChengYuan>
    <Item>
      <ChengWei>妻子</ChengWei>
      <XingMing>周敏</XingMing>
      <ChuShengRiQi>198405</ChuShengRiQi>
      <ZhengZhiMianMao>中共党员</ZhengZhiMianMao>
      <GongZuoDanWeiJiZhiWu>安吉县第一小学教师</GongZuoDanWeiJiZhiWu>
      <NianLing>41</NianLing>
    </Item>
    <Item>
      <ChengWei>儿子</ChengWei>
      <XingMing>赵一鸣</XingMing>
      <ChuShengRiQi>201109</ChuShengRiQi>
      <ZhengZhiMianMao>群众</ZhengZhiMianMao>
      <GongZuoDanWeiJiZhiWu>安吉县昌硕高级中学学生</GongZuoDanWeiJiZhiWu>
    </Item>
    <Item>
      <ChengWei>父亲</ChengWei>
      <XingMing>赵国强</XingMing>
      <ChuShengRiQi>195503</ChuShengRiQi>
      <ZhengZhiMianMao></ZhengZhiMianMao>
      <GongZuoDanWeiJiZhiWu>安吉县递铺镇农民（已去世）</GongZuoDanWeiJiZhiWu>
    </Item>
    <Item>
      <ChengWei></ChengWei>
      <XingMing></XingMing>
      <ChuShengRiQi></ChuShengRiQi>
      <ZhengZhiMianMao></ZhengZhiMianMao>
      <GongZuoDanWeiJiZhiWu></GongZuoDanWeiJiZhiWu>
    </Item>
  </JiaTingChengYuan>
  <ChengBaoDanWei>中共安吉县医疗保障局党组</ChengBaoDanWei>
  <JiSuanNianLingShiJian>20260301</JiSuanNianLingShiJian>
  <TianBiaoShiJian>202603</TianBiaoShiJian>
  <TianBiaoRen>孙丽</TianBiaoRen>
  <ShenFenZheng>{id_number}</ShenFenZheng>
  <ZhaoPian>
{photo}
  </ZhaoPian>
  <DaoLingNianYue>204207</DaoLingNianYue>
  <GaiGeQianRenZhiNianLingJieXian>60</GaiGeQianRenZhiNianLingJieXian>
  <Version>3.2.1.6</Version>
</Person>
"""


def write_lrmx() -> Path:
    photo = base64.b64encode(portrait_jpeg(200, 240)).decode("ascii")
    wrapped = "\n".join("    " + photo[i : i + 76] for i in range(0, len(photo), 76))
    text = LRMX.format(id_number=id_number(date(1983, 7, 16), True, 7), photo=wrapped)
    path = HERE / "sample.lrmx"
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    import os

    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    django.setup()
    print(write_xlsx())
    print(write_lrmx())
