"""预警提醒: the lists behind the dashboard counts that are not cadre lists (posts, quotas, cases)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import supervision
from ..permissions import Action, require
from ..structure import register_count

STALE_PAGE_SIZE = 25  # the stale cases and the vacant posts

DETAILS = {
    "vacant_posts": (Action.VIEW_REGISTRY, "职位空缺超过{months}个月"),
    "quotas": (Action.VIEW_REGISTRY, "职数配备与核定职数不符"),
    "stale_cases": (Action.VIEW_CASES, "选拔任用工作在同一环节超过{days}天"),
    "notices_ending": (Action.VIEW_CASES, "任职前公示即将期满"),
}


@require_GET
def supervision_detail(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in DETAILS:
        raise Http404("没有该预警项目。")
    action, title = DETAILS[kind]
    require(request.user, action)
    user, on, now = request.user, timezone.localdate(), timezone.now()
    settings = supervision.settings_for_user(user)
    context = {
        "kind": kind,
        "title": title.format(months=settings.vacant_post_months, days=settings.stale_case_days),
        "today": on,
    }
    if kind == "vacant_posts":
        # A page at a time; counted as the dashboard counts, kept while the register is unchanged.
        posts = supervision.vacant_posts(user, on, settings).select_related("organization", "department")
        paginator = Paginator(posts.order_by("organization", "order", "pk"), STALE_PAGE_SIZE)
        paginator.count = register_count(user, "vacant_posts", "", posts.count)
        context["page"] = paginator.get_page(request.GET.get("page"))
        context["posts"] = list(context["page"].object_list)
    elif kind == "quotas":
        context["quota_lines"] = supervision.quota_lines(user, on)
    elif kind == "stale_cases":
        # Every stale case, a page at a time (the dashboard's count is the paginator's)
        stale = supervision.stale_cases(user, now, settings).order_by("waiting_since", "pk")
        context["page"] = Paginator(stale, STALE_PAGE_SIZE).get_page(request.GET.get("page"))
        context["cases"] = list(context["page"].object_list)
    else:
        context["notices"] = supervision.notices_ending(user, on).order_by("ends_on", "pk")
    context["breadcrumbs"] = [("我的待办", reverse("home")), (context["title"], None)]
    return render(request, "selection/supervision_detail.html", context)


urlpatterns = [path("supervision/<slug:kind>/", supervision_detail, name="supervision_detail")]
