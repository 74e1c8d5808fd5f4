"""The roles of DESIGN.md. Each role is a Django group, created by a data migration."""

from django.db import models


class Role(models.TextChoices):
    HR = "hr", "人事干部"
    SECRETARY = "secretary", "党组书记"
    PERSONNEL_LEAD = "personnel_lead", "分管领导"
    PARTY_MEMBER = "party_member", "党组成员"
    DISCIPLINE = "discipline", "纪检监察"
    AUDITOR = "auditor", "监督审计"
    STAFF = "staff", "干部职工"
    ADMIN = "admin", "系统管理员"

    @property
    def group_name(self) -> str:
        return str(self.label)


ALL_GROUP_NAMES = [role.group_name for role in Role]
