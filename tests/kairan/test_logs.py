"""Log lines carry the schema and a request id, and never an email address."""

import io
import json
import logging
from collections.abc import Iterator

import dramatiq
import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django_tenants.utils import tenant_context

from delivery.address_crypto import address_hash
from kairan.logs import JsonFormatter, address_scrub, link_token_scrub
from kairan.request_ids import RequestIdMiddleware
from tests.conftest import client_for, host_of, jobs_finish
from tests.factories import association_make, user_make
from tests.tenants.routes import SAMPLE_IDS, route_fill, tenant_routes

ADDRESS = "Taro.Yamada+kairan@docomo.ne.jp"


def placeholder(address: str) -> str:
    return f"<address:{address_hash(address)[:8]}>"


def assert_no_address(text: str, address: str = ADDRESS) -> None:
    local = address.split("@")[0]
    assert address.lower() not in text.lower()
    assert local.lower() not in text.lower(), text


class LogCapture:
    """The project's own console handler (its filters included), writing into a buffer."""

    def __init__(self, handler: logging.StreamHandler, json_lines: bool) -> None:
        self.handler = handler
        self.buffer = io.StringIO()
        self.json_lines = json_lines

    @property
    def text(self) -> str:
        for handler in logging.getLogger().handlers:
            handler.flush()
        return self.buffer.getvalue()

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith("{")]


def _capture(json_lines: bool) -> Iterator[LogCapture]:
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    capture = LogCapture(handler, json_lines)
    saved_stream = handler.setStream(capture.buffer)
    saved_formatter = handler.formatter
    if json_lines:
        handler.setFormatter(JsonFormatter())
    yield capture
    handler.setStream(saved_stream)
    handler.setFormatter(saved_formatter)


@pytest.fixture
def json_log() -> Iterator[LogCapture]:
    yield from _capture(json_lines=True)


@pytest.fixture(params=["json", "plain"])
def any_log(request) -> Iterator[LogCapture]:
    yield from _capture(json_lines=request.param == "json")


def test_an_address_in_message_args_extra_and_traceback_never_reaches_the_output(
    any_log,
) -> None:
    logger = logging.getLogger("kairan.tests")
    logger.warning(f"bounce from {ADDRESS}")
    logger.warning("reply from %s (%r)", ADDRESS, {"to": [ADDRESS]})
    logger.warning("lookup ?email=%s", ADDRESS.replace("@", "%40"))
    logger.warning("extra field", extra={"recipient": ADDRESS, "recipients": [ADDRESS]})
    try:
        recipient = ADDRESS
        raise ValueError(f"mailbox {recipient} is full")
    except ValueError:
        logger.exception("delivery failed")
    logger.warning("where", stack_info=True, extra={"note": f"<{ADDRESS}>"})

    text = any_log.text
    assert_no_address(text)
    # Engineers can still follow the address: the same placeholder each time, and it is the
    # start of the subscriber's blind index.
    # (message, two args, the URL-encoded one, the traceback; the extras in JSON)
    assert text.count(placeholder(ADDRESS)) == (8 if any_log.json_lines else 5)
    assert "ValueError: mailbox <address:" in text
    assert "Traceback (most recent call last)" in text
    if any_log.json_lines:
        [failed] = [r for r in any_log.records() if r["message"] == "delivery failed"]
        assert "ValueError" in failed["exc_info"]
        assert failed["level"] == "ERROR"


@pytest.mark.parametrize(
    "text",
    [
        "山田太郎<taro@example.jp>さん",
        "'taro@example.jp'",
        "mailto:taro@example.jp?subject=x",
        "ｔａｒｏ＠例え.jp taro@例え.jp 太郎@example.jp",
        "From: TARO@EXAMPLE.JP",
    ],
)
def test_address_scrub_catches_the_forms_addresses_take_in_logs(text) -> None:
    scrubbed = address_scrub(text)
    assert "taro@" not in scrubbed.lower() and "太郎@" not in scrubbed
    assert "example.jp" not in scrubbed.lower() or "<address:" in scrubbed
    assert "<address:" in scrubbed


def test_text_without_addresses_is_left_alone() -> None:
    text = "GET staff/notices/<int:notice_id>/ 200 in 12 ms @ 10:00"
    assert address_scrub(text) == text


@pytest.mark.usefixtures("platform")
def test_request_lines_carry_the_schema_and_the_callers_request_id(json_log) -> None:
    association = association_make(slug="kita")
    response = client_for(association).get("/", HTTP_X_REQUEST_ID="lb-7f3a9c01")
    assert response["X-Request-ID"] == "lb-7f3a9c01"
    public = client_for().get("/")
    generated = public["X-Request-ID"]
    assert len(generated) == 32

    lines = [r for r in json_log.records() if r["logger"] == "kairan.request"]
    assert {
        (r["schema"], r["request_id"], r["route"], r["status"], r["method"]) for r in lines
    } >= {("as_kita", "lb-7f3a9c01", "", 200, "GET"), ("public", generated, "", 200, "GET")}
    assert all(isinstance(r["duration_ms"], float) and r["time"] for r in lines)


@pytest.mark.usefixtures("platform")
@pytest.mark.parametrize(
    "header", ["has spaces in it", "x" * 200, "a\tb", ADDRESS, "<script>", '"quoted"']
)
def test_a_request_id_that_is_not_sane_is_replaced(json_log, header) -> None:
    response = client_for().get("/", HTTP_X_REQUEST_ID=header)
    assert response["X-Request-ID"] != header
    assert len(response["X-Request-ID"]) == 32
    assert_no_address(json_log.text)


@pytest.mark.usefixtures("platform")
def test_unknown_hosts_404_still_gets_a_request_id() -> None:
    response = Client(HTTP_HOST="nobody.kairan.test").get("/", HTTP_X_REQUEST_ID="abc-123")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "abc-123"


def failing_view(request):
    recipient = request.POST["address"]  # a local variable in the report's frames
    raise RuntimeError(f"could not deliver to {recipient}")


def failing_token_view(request, token):
    raise RuntimeError("the preferences page broke")


urlpatterns = [path("fail/", failing_view), path("me/<str:token>/", failing_token_view)]


@pytest.mark.usefixtures("platform")
def test_error_mail_to_admins_carries_no_address(settings, json_log) -> None:
    settings.ADMINS = [("ops", "ops@kairan.test")]
    settings.ROOT_URLCONF = __name__
    association = association_make(slug="minami")
    browser = Client(HTTP_HOST=host_of(association), raise_request_exception=False)
    response = browser.post(
        f"/fail/?cc={ADDRESS}", {"address": ADDRESS}, HTTP_X_REQUEST_ID="err-00001"
    )
    assert response.status_code == 500

    [report] = mail.outbox
    assert report.to == ["ops@kairan.test"]
    assert_no_address(report.subject)
    assert_no_address(report.body)
    assert not report.alternatives  # the HTML report, with local variables, is not sent
    assert "RuntimeError: could not deliver to <address:" in report.body
    assert placeholder(ADDRESS) in report.body
    # The console got the same error, scrubbed, with its schema and request id.
    [logged] = [r for r in json_log.records() if r["logger"] == "django.request"]
    assert (logged["schema"], logged["request_id"]) == ("as_minami", "err-00001")
    assert_no_address(json_log.text)


# --- residents' link tokens ------------------------------------------------------------------

TOKEN = "eyJzIjoiYXNfa2l0YSIsImkiOjF9:1uXyZa:Qm9ndXNTaWduYXR1cmVfMTIzNDU2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Gone: /confirm/{TOKEN}/", "Gone: /confirm/…/"),
        (f"Not Found: /me/{TOKEN}/erase/", "Not Found: /me/…/erase/"),
        (f"GET /unsubscribe/{TOKEN}/ 200", "GET /unsubscribe/…/ 200"),
        (f"http://kita.kairan.test/a/{TOKEN}/?x=1", "http://kita.kairan.test/a/…/?x=1"),
        (f"'/archive/{TOKEN}/12/'", "'/archive/…/12/'"),
        (f"/library/{TOKEN}", "/library/…"),
        ("Not Found: /staff/library/12/", "Not Found: /staff/library/12/"),
        ("GET /staff/notices/3/ 200", "GET /staff/notices/3/ 200"),
    ],
)
def test_link_token_scrub_hides_the_token_of_residents_link_paths(text, expected) -> None:
    assert link_token_scrub(text) == expected


def test_every_token_route_of_the_tenant_url_conf_is_scrubbed() -> None:
    token_routes = [route for route in tenant_routes() if "<str:token>" in route]
    assert len(token_routes) >= 9  # residents' links and staff's entry link
    for route in token_routes:
        path = route_fill(route, {**SAMPLE_IDS, "token": TOKEN, "notice_id": 12})
        assert TOKEN not in link_token_scrub(f"Gone: {path}"), route


@pytest.mark.usefixtures("platform")
def test_refused_and_used_resident_links_log_no_token(any_log) -> None:
    from delivery.links import link_token_make
    from delivery.models import Subscriber
    from delivery.services.subscriptions import subscriber_confirm, subscriber_join

    association = association_make(slug="kita")
    with tenant_context(association):
        subscriber_join(address="kita@example.jp", display_name="北", group_ids=[])
        pending = Subscriber.objects.get()
        confirm = link_token_make(
            purpose="confirm", subscriber_id=pending.pk, nonce=pending.confirm_nonce
        )
        subscriber_confirm(token=confirm)
        gone = link_token_make(purpose="preferences", subscriber_id=pending.pk + 1000)
    browser = client_for(association)
    assert browser.post(f"/confirm/{confirm}/").status_code == 410  # used
    assert browser.get(f"/me/{gone}/").status_code == 404
    assert browser.get(f"/archive/{TOKEN}/").status_code == 400  # forged

    text = any_log.text
    if any_log.json_lines:  # "…" is escaped in JSON
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in any_log.records())
    assert "Gone: /confirm/…/" in text and "Not Found: /me/…/" in text
    for token in (confirm, gone, TOKEN):
        assert token not in text
        assert token.rsplit(":", 1)[-1] not in text  # not even the signature


@pytest.mark.usefixtures("platform")
def test_error_mail_and_log_for_a_resident_link_carry_no_token(settings, json_log) -> None:
    settings.ADMINS = [("ops", "ops@kairan.test")]
    settings.ROOT_URLCONF = __name__
    association = association_make(slug="kita")
    browser = Client(HTTP_HOST=host_of(association), raise_request_exception=False)
    assert browser.get(f"/me/{TOKEN}/", HTTP_REFERER=f"http://x/me/{TOKEN}/").status_code == 500

    [report] = mail.outbox
    assert "/me/…/" in report.subject
    for text in (report.subject, report.body, json_log.text):
        assert TOKEN not in text and TOKEN.rsplit(":", 1)[-1] not in text


# --- jobs --------------------------------------------------------------------------------------

job_logger = logging.getLogger("kairan.tests.jobs")


@dramatiq.actor(queue_name="kairan-tests", max_retries=0)
def log_probe(tag: str) -> None:
    job_logger.info("probe %s", tag)


@pytest.mark.usefixtures("transactional_platform")
def test_a_jobs_lines_carry_its_schema_and_the_id_of_the_request_that_sent_it(
    json_log, worker
) -> None:
    association = association_make(slug="higashi")

    def view(request):
        log_probe.send("from-request")
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-00042")
    with tenant_context(association):
        RequestIdMiddleware(view)(request)
    log_probe.send("from-nowhere")  # sent outside any request, from the public schema
    jobs_finish(worker)

    probes = {r["message"]: r for r in json_log.records() if r["logger"] == job_logger.name}
    assert probes["probe from-request"]["request_id"] == "req-00042"
    assert probes["probe from-request"]["schema"] == "as_higashi"
    assert probes["probe from-nowhere"]["schema"] == "public"
    assert probes["probe from-nowhere"]["request_id"] not in ("-", "req-00042")


@pytest.mark.usefixtures("transactional_platform")
def test_a_resident_joining_leaves_no_address_in_any_log_line(json_log, mail_sink, worker):
    association = association_make(slug="nishi")
    response = Client(HTTP_HOST=host_of(association)).post(
        "/join/",
        {"address": ADDRESS, "display_name": "山田"},
        HTTP_X_REQUEST_ID="join-0001",
    )
    assert response.status_code == 302
    jobs_finish(worker)
    [confirmation] = mail_sink.wait_for(1)
    assert confirmation.message["To"] == ADDRESS.lower()  # the mail did go out

    assert_no_address(json_log.text)
    # The worker's line about the confirmation mail names the join request and the schema.
    job_lines = [
        r
        for r in json_log.records()
        if r["request_id"] == "join-0001" and r["logger"] != "kairan.request"
    ]
    assert job_lines and all(r["schema"] == "as_nishi" for r in job_lines)


@pytest.mark.usefixtures("platform")
def test_a_refused_request_is_one_warning_without_a_traceback(any_log) -> None:
    owner, stranger = user_make(), user_make()
    association = association_make(slug="minami", owner=owner)
    browser = client_for(association)
    browser.force_login(stranger)
    assert browser.get("/staff/").status_code == 403

    text = any_log.text
    assert "Forbidden (Permission denied)" in text
    assert "Traceback" not in text and "PermissionDenied" not in text


def test_a_server_error_keeps_its_traceback(any_log) -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        logging.getLogger("django.request").error(
            "Internal Server Error: /x/", exc_info=error, extra={"status_code": 500}
        )
    assert "Traceback (most recent call last)" in any_log.text


def test_the_schedulers_ticks_are_not_logged() -> None:
    # apscheduler (under dramatiq_crontab) logs two INFO lines for every run of a job.
    assert not logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)
    assert not logging.getLogger("apscheduler.scheduler").isEnabledFor(logging.INFO)


@pytest.mark.usefixtures("platform")
def test_pages_name_their_icon_so_browsers_do_not_ask_for_favicon_ico() -> None:
    from django.contrib.staticfiles import finders

    page = client_for().get("/").content.decode()
    assert '<link rel="icon" href="/static/kairan/favicon.svg"' in page
    assert finders.find("kairan/favicon.svg")
