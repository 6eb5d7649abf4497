from django.urls import path

from delivery.views import residents, staff

urlpatterns = [
    path("", residents.resident_home, name="resident_home"),
    path("join/", residents.join, name="join"),
    path("join/sent/", residents.join_sent, name="join_sent"),
    path("confirm/<str:token>/", residents.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", residents.unsubscribe, name="unsubscribe"),
    path("staff/", staff.staff_home, name="staff_home"),
    path("staff/groups/", staff.groups, name="staff_groups"),
    path("staff/subscribers/", staff.subscribers, name="staff_subscribers"),
    path("staff/notices/new/", staff.notice_new, name="staff_notice_new"),
    path("staff/notices/<int:notice_id>/", staff.notice_detail, name="staff_notice"),
]
