from django.urls import path

from delivery.views import residents, staff

urlpatterns = [
    path("", residents.resident_home, name="resident_home"),
    path("join/", residents.join, name="join"),
    path("join/sent/", residents.join_sent, name="join_sent"),
    path("confirm/<str:token>/", residents.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", residents.unsubscribe, name="unsubscribe"),
    path("me/<str:token>/", residents.preferences, name="preferences"),
    path("me/<str:token>/erase/", residents.erase, name="erase"),
    path("staff/", staff.staff_home, name="staff_home"),
    path("staff/groups/", staff.groups, name="staff_groups"),
    path("staff/poster/", staff.join_poster, name="staff_poster"),
    path("staff/subscribers/", staff.subscribers, name="staff_subscribers"),
    path(
        "staff/subscribers/<int:subscriber_id>/",
        staff.subscriber_detail,
        name="staff_subscriber",
    ),
    path("staff/subscribers/paper/new/", staff.paper_household_new, name="staff_paper_new"),
    path("staff/notices/new/", staff.notice_new, name="staff_notice_new"),
    path("staff/notices/<int:notice_id>/", staff.notice_detail, name="staff_notice"),
    path(
        "staff/notices/<int:notice_id>/progress/",
        staff.notice_progress,
        name="staff_notice_progress",
    ),
    path("staff/notices/<int:notice_id>/edit/", staff.notice_edit, name="staff_notice_edit"),
    path("staff/notices/<int:notice_id>/cancel/", staff.notice_cancel, name="staff_notice_cancel"),
    path("staff/notices/<int:notice_id>/paper/", staff.notice_paper, name="staff_notice_paper"),
]
