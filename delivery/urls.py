from django.urls import path

from delivery.views import answers, reading, residents, staff, staff_answers, staff_library

urlpatterns = [
    path("", residents.resident_home, name="resident_home"),
    path("join/", residents.join, name="join"),
    path("join/sent/", residents.join_sent, name="join_sent"),
    path("confirm/<str:token>/", residents.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", residents.unsubscribe, name="unsubscribe"),
    path("me/<str:token>/", residents.preferences, name="preferences"),
    path("me/<str:token>/erase/", residents.erase, name="erase"),
    path("a/<str:token>/", answers.answer, name="answer"),
    path("archive/<str:token>/", reading.archive, name="archive"),
    path("archive/<str:token>/<int:notice_id>/", reading.archive_notice, name="archive_notice"),
    path("library/<str:token>/", reading.library, name="library"),
    path("library/<str:token>/<int:file_id>/", reading.library_file, name="library_file"),
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
    path(
        "staff/notices/<int:notice_id>/tally/",
        staff_answers.notice_tally,
        name="staff_notice_tally",
    ),
    path(
        "staff/notices/<int:notice_id>/paper-answers/",
        staff_answers.notice_paper_answers,
        name="staff_notice_paper_answers",
    ),
    path(
        "staff/notices/<int:notice_id>/remind/",
        staff_answers.notice_remind,
        name="staff_notice_remind",
    ),
    path(
        "staff/notices/<int:notice_id>/answers.csv",
        staff_answers.notice_answers_csv,
        name="staff_notice_answers_csv",
    ),
    path(
        "staff/notices/<int:notice_id>/replies.csv",
        staff_answers.notice_replies_csv,
        name="staff_notice_replies_csv",
    ),
    path("staff/library/", staff_library.library_home, name="staff_library"),
    path("staff/library/<int:file_id>/", staff_library.library_file, name="staff_library_file"),
    path(
        "staff/library/<int:file_id>/delete/",
        staff_library.library_file_delete,
        name="staff_library_file_delete",
    ),
]
