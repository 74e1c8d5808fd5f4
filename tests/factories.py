"""factory_boy factories shared by the whole suite."""

from datetime import date

import factory
from django.contrib.auth.models import Group
from stdnum.cn import ric

from accounts.models import User
from accounts.roles import Role
from selection.models import (
    AnnualAssessment,
    AssessmentResult,
    Cadre,
    Department,
    EducationLevel,
    EducationRecord,
    FamilyMember,
    Kinship,
    Organization,
    PoliticalStatus,
    Post,
    PostHolding,
    Quota,
    Rank,
    ResumeEntry,
    Sanction,
    Sex,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:6])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"第{n}科")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs) -> None:
        if create and extracted:
            # get_or_create: transactional tests (live server, concurrency) flush the migration's groups.
            self.groups.set([Group.objects.get_or_create(name=role.group_name)[0] for role in extracted])


# ---- the cadre registry ------------------------------------------------------------------------------


def id_number_for(birth_date: date, sex: str, serial: int) -> str:
    """A valid resident ID number: 安吉县 region code, the birth date, an odd (male) or even serial."""
    serial = (serial % 500) * 2 + (1 if sex == Sex.MALE else 0)
    body = f"330523{birth_date:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "?")  # stdnum expects a placeholder in the check position


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    organization = factory.SubFactory(OrganizationFactory)
    department = factory.SubFactory(DepartmentFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"科长{n}")
    rank = Rank.CHIEF


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    organization = factory.SubFactory(OrganizationFactory)
    rank = Rank.CHIEF
    approved = 6


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    organization = factory.SubFactory(OrganizationFactory)
    department = None
    name = factory.Sequence(lambda n: f"干部{n}")
    sex = Sex.MALE
    birth_date = date(1986, 5, 20)
    id_number = factory.LazyAttributeSequence(lambda o, n: id_number_for(o.birth_date, o.sex, n))
    native_place = "浙江安吉"
    birthplace = "浙江安吉"
    work_started_on = factory.LazyAttribute(lambda o: date(o.birth_date.year + 22, 7, 1))


class PostHoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostHolding

    cadre = factory.SubFactory(CadreFactory)
    post = factory.SubFactory(PostFactory, organization=factory.SelfAttribute("..cadre.organization"))
    started_on = date(2020, 3, 1)


class AnnualAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualAssessment

    cadre = factory.SubFactory(CadreFactory)
    year = 2025
    result = AssessmentResult.COMPETENT


class EducationRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EducationRecord

    cadre = factory.SubFactory(CadreFactory)
    kind = EducationRecord.Kind.FULL_TIME
    level = EducationLevel.UNDERGRADUATE
    degree = "管理学学士"
    school_and_major = "浙江大学公共管理学院行政管理专业"
    graduated_on = date(2008, 7, 1)


class ResumeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResumeEntry

    cadre = factory.SubFactory(CadreFactory)
    started_on = date(2008, 7, 1)
    ended_on = None
    text = "安吉县医疗保障局科员"
    order = factory.Sequence(lambda n: n)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyMember

    cadre = factory.SubFactory(CadreFactory)
    relation = "妻子"
    name = factory.Sequence(lambda n: f"家属{n}")
    birth_date = date(1987, 6, 1)
    political_status = PoliticalStatus.CPC
    unit_and_post = "安吉县人民医院护士"


class SanctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sanction

    cadre = factory.SubFactory(CadreFactory)
    kind = "admonition"
    effective_on = date(2026, 1, 10)


class KinshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kinship

    cadre = factory.SubFactory(CadreFactory)
    other = factory.SubFactory(CadreFactory, organization=factory.SelfAttribute("..cadre.organization"))
    category = Kinship.Category.SPOUSE
