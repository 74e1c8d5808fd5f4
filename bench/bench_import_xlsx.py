"""Import 10,000 cadres from an Excel sheet into a throwaway test database (created and destroyed here).

Times the whole service call a user's confirmation makes: read, validate every row, write in one transaction.
"""

from datetime import date, timedelta
from time import perf_counter

ROWS = 10_000
DEPARTMENTS = ["办公室", "组织人事科", "规划财务和法规科", "待遇保障科", "医药服务管理科", "基金监管科"]


def make_id(birth: date, male: bool, seq: int) -> str:
    from stdnum.cn import ric

    body = f"330523{birth:%Y%m%d}{(seq * 2 + (1 if male else 0)) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def sheet(rows: int) -> bytes:
    """A filled-in template, as our export writes it: every column used, dates in the spellings people type."""
    from selection.interchange.xlsx import _workbook, assessment_years, columns_for

    years = assessment_years()
    columns = columns_for(years)
    headers = [c.header for c in columns]
    table = []
    for i in range(rows):
        birth = date(1983, 1, 1) + timedelta(days=i % 6000)
        male = i % 2 == 0
        values = {
            "姓名": f"干部{i:05d}",
            "性别": "男" if male else "女",
            "出生日期": birth,
            "公民身份号码": make_id(birth, male, i // 6000 + 1),
            "民族": "汉族",
            "籍贯": "浙江安吉",
            "出生地": "浙江安吉",
            "入党时间": f"{birth.year + 22}.{birth.month:02d}",
            "参加工作时间": f"{birth.year + 22}年7月1日",
            "健康状况": "健康",
            "科室": DEPARTMENTS[i % len(DEPARTMENTS)],
            "全日制学历": "大学本科",
            "全日制学位": "管理学学士",
            "全日制毕业院校系及专业": "浙江工商大学会计学专业",
            "在职学历": "研究生" if i % 3 == 0 else None,
            "奖惩情况": "无",
            f"{years[0]}年度考核": "称职",
            f"{years[1]}年度考核": "优秀" if i % 5 == 0 else "称职",
        }
        table.append([values.get(header) for header in headers])
    return _workbook(columns, table)


def run() -> str:
    from django.db import connection

    from selection.interchange.importing import import_cadre_sheet
    from selection.models import Cadre, Department, Organization

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        org = Organization.objects.create(name="基准测试单位")
        Department.objects.bulk_create(Department(organization=org, name=name) for name in DEPARTMENTS)
        data = sheet(ROWS)
        started = perf_counter()
        plan = import_cadre_sheet(data, org)
        elapsed = perf_counter() - started
        if len(plan.created) != ROWS or Cadre.objects.count() != ROWS:
            raise RuntimeError(f"expected {ROWS} cadres, imported {len(plan.created)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return f"import {ROWS:,} cadres from Excel: {elapsed:.1f} s"
