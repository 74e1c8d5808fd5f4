"""规则说明: every rule ID the code uses has a Chinese entry on the in-app rules page, and IDs in the UI link to it."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from selection.rules.catalogue import BY_ID, RULES

ROOT = Path(__file__).resolve().parent.parent


def test_every_rule_id_in_the_code_and_templates_has_an_entry():
    used = set()
    for folder in ("selection", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html"} and "migrations" not in path.parts:
                used |= set(re.findall(r"R-[A-Z]{3,4}-\d{1,2}", path.read_text(encoding="utf-8")))
    assert used, "the scan found no rule IDs"
    assert sorted(used - set(BY_ID)) == []


def test_each_entry_speaks_chinese_and_names_its_source():
    for rule in RULES:
        assert re.search(r"[\u4e00-\u9fff]", rule.title + rule.text), rule.id
        assert rule.source, rule.id
        assert rule.level in {"", "BLOCK", "WARN", "RECORD", "BLOCK/WARN"}, rule.id


@pytest.mark.django_db
def test_the_rules_page_lists_every_rule_with_an_anchor(client, staff):
    client.force_login(staff)
    html = client.get(reverse("rule_list")).content.decode()
    for rule in RULES:
        assert f'id="{rule.id}"' in html
    assert "核定职数" in html and "依据：" in html


def test_rule_ids_in_messages_link_to_their_entry_and_the_rest_is_escaped():
    out = Template("{% load xuanba %}{{ text|link_rules }}").render(
        Context({"text": "不能继续：R-DEC-2：到会不足<b>三分之二</b>；R-XYZ-9 未知"})
    )
    assert f'<a class="rule-link" href="{reverse("rule_list")}#R-DEC-2"' in out
    assert "&lt;b&gt;三分之二&lt;/b&gt;" in out and "R-XYZ-9 未知" in out
