"""Date formats for zh-hans: Django's own input formats use %n/%j, which strptime does not know."""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
FIRST_DAY_OF_WEEK = 1

# strptime's %m and %d accept one or two digits: 2026年3月5日 and 2026年03月05日 both parse.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-03-05
    "%Y年%m月%d日",  # 2026年3月5日, 2026年03月05日
    "%Y/%m/%d",  # 2026/03/05
    "%Y.%m.%d",  # 2026.03.05
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y/%m/%d %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 4
