"""In a real browser, with three forum events: a table's answer lands in the event and table of the link it was
opened from, or the table is told plainly that it did not, and the form keeps what was typed until it is saved."""
import csv
import datetime as dt
import io
import re
import secrets
from pathlib import Path

import pytest

from forum.models import MATURITY_DOMAINS, FacilitatorCredentials, RoleCount, TableAnswer

pw = pytest.importorskip("playwright.sync_api")
expect = pw.expect

STPS = {"QKK": "South East London", "QWE": "South West London"}
REFRESH_WAIT_MS = 20_000  # the plenary refreshes every 5 seconds; a busy machine may take a few more


@pytest.fixture
def forum(app_forum_store, visit):
    """Three events, each with a link for South East London's table 4; the credentials to change them."""
    credentials = FacilitatorCredentials(visit.facilitator_passcode, visit.facilitator_passcode, "e2e-setup")
    tag = secrets.token_hex(3)  # the session's server is shared: names no other test uses
    events = [app_forum_store.create_event(f"Browser forum {n}-{tag}", dt.date(2019, 3, n), credentials=credentials)
              for n in (1, 2, 3)]
    links = [app_forum_store.issue_table_link(event.id, "QKK", stp_choices=STPS, label="Table 4",
                                              credentials=credentials) for event in events]
    return app_forum_store, events, links, credentials


def answer_the_form(visit, next_steps: str) -> None:
    for group in visit.main.get_by_role("radiogroup").all():
        group.get_by_text("4 mostly in place").click()
    visit.main.get_by_role("textbox", name="Next steps").fill(next_steps)


def press_send(visit) -> None:
    visit.main.get_by_role("button", name="Send our answers").click()
    visit.page.wait_for_timeout(300)  # the rerun starts
    visit.wait_for_app_run()


def counts(store, events) -> list[int]:
    return [store.count_submissions(event.id) for event in events]


def test_an_answer_lands_in_its_links_event_and_a_deleted_events_link_saves_nothing(visit, forum):
    store, events, links, credentials = forum

    visit.open(f"/forum_table?table={links[1].token}")
    expect(visit.main.get_by_text(f"Event: {events[1].name} (02 March 2019)")).to_be_visible()
    expect(visit.main.get_by_text("Your table: South East London, Table 4")).to_be_visible()
    expect(visit.main.get_by_role("combobox", name=re.compile("event|STP", re.IGNORECASE))).to_have_count(0)  # nothing to choose
    expect(visit.main.get_by_role("combobox", name="Barriers your table named")).to_be_visible()
    answer_the_form(visit, "From the second event's table.")
    press_send(visit)
    expect(visit.main.get_by_text("Saved. Thank you")).to_be_visible()
    assert counts(store, events) == [0, 1, 0]
    assert store.read_submissions(events[1].id)["next_steps"].tolist() == ["From the second event's table."]

    # The facilitator deletes the third event while its table is filling in the form.
    visit.open(f"/forum_table?table={links[2].token}")
    expect(visit.main.get_by_text(f"Event: {events[2].name} (03 March 2019)")).to_be_visible()
    answer_the_form(visit, "Typed before the event was deleted.")
    store.delete_event(events[2].id, credentials=credentials)
    press_send(visit)
    expect(visit.main.get_by_text(re.compile("^Not saved")).first).to_be_visible()
    expect(visit.main.get_by_text("Saved. Thank you")).to_have_count(0)
    expect(visit.main.get_by_role("textbox", name="Next steps")).to_have_value("Typed before the event was deleted.")
    assert counts(store, events[:2]) == [0, 1]  # nothing went to another event

    # Opened afresh, the deleted event's link shows a notice and no form.
    visit.open(f"/forum_table?table={links[2].token}")
    expect(visit.main.get_by_text(re.compile("This link is not known"))).to_be_visible()
    expect(visit.main.get_by_role("button", name="Send our answers")).to_have_count(0)
    visit.screenshot("forum-deleted-event-link")

    # An old-style link naming an event by its number opens no form and names no event.
    visit.open(f"/forum_table?event={events[0].id}&stp_code=QKK")
    expect(visit.main.get_by_text(re.compile("old kind of forum link"))).to_be_visible()
    expect(visit.main.get_by_role("button", name="Send our answers")).to_have_count(0)
    expect(visit.main.get_by_text(events[0].name)).to_have_count(0)
    assert counts(store, events[:2]) == [0, 1]


def test_the_plenary_link_shows_its_event_and_refreshes_by_itself(visit, forum):
    store, events, links, _ = forum
    visit.open(f"/forum_plenary?plenary={events[0].plenary_token}")
    metric = visit.main.get_by_test_id("stMetricValue").first
    expect(metric).to_have_text("0")

    answer = TableAnswer(scores={domain.code: 3 for domain in MATURITY_DOMAINS}, vision={"gp": RoleCount(3, 2, 1)},
                         barriers=("workforce",), next_steps="Arrived while the plenary was open.")
    store.add_submission(links[0].token, answer, "e2e-plenary")
    expect(metric).to_have_text("1", timeout=REFRESH_WAIT_MS)  # no reload: the plenary refreshed itself
    expect(visit.main.get_by_text("Next steps").first).to_be_visible()
    visit.wait_for_app_run()
    visit.screenshot("forum-plenary")
    with visit.page.expect_download() as started:  # written when pressed, inside the refreshing fragment
        visit.main.get_by_role("button", name="Download every answer in full (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(started.value.path()).read_text(encoding="utf-8"), newline="")))
    assert [(row["stp_name"], row["table_label"], row["next_steps"]) for row in rows] == [
        ("South East London", "Table 4", "Arrived while the plenary was open.")]


def test_the_facilitator_sees_every_tables_link_and_qr_code_and_prints_cards_that_scan(visit, forum):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (requirements.txt) decodes the QR codes")
    from PIL import Image
    from pypdf import PdfReader

    _, events, links, _ = forum
    visit.open("/forum_facilitator")
    passcode = visit.main.get_by_label("Facilitator passcode")
    passcode.fill(visit.facilitator_passcode)
    passcode.press("Enter")
    visit.wait_for_app_run()
    visit.main.get_by_role("combobox", name="Forum event").click()
    visit.page.get_by_role("option", name=f"{events[2].name} (03 March 2019)").click()
    visit.wait_for_app_run()
    # This server listens on 127.0.0.1 only: the page says so and how to serve the room.
    expect(visit.main.get_by_text(re.compile("cannot open these links yet"))).to_be_visible()
    expect(visit.main.get_by_text("streamlit run app.py --server.address 0.0.0.0")).to_be_visible()
    expect(visit.main.get_by_test_id("stImage")).to_have_count(1)  # one QR code: this event has one table link

    with visit.page.expect_download() as started:
        visit.main.get_by_role("button", name="Download table cards to print (PDF, A4)").click()
    pdf = PdfReader(io.BytesIO(Path(started.value.path()).read_bytes()))
    scanned = [code.text for page in pdf.pages for image in page.images
               for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))]
    assert [link.rsplit("table=", 1)[1] for link in scanned] == [links[2].token]
    assert "South East London" in pdf.pages[0].extract_text()
    visit.screenshot("forum-facilitator-links")
    violations = visit.run_axe()
    visit.record_axe("forum_facilitator, an event's links and QR codes", violations)
    assert visit.blocking(violations) == []


def test_the_tables_form_passes_axe(visit, forum):
    _, _, links, _ = forum
    visit.open(f"/forum_table?table={links[0].token}")
    expect(visit.main.get_by_role("button", name="Send our answers")).to_be_visible()
    visit.screenshot("forum-table-form")
    violations = visit.run_axe()
    visit.record_axe("forum_table, opened from a table link", violations)
    assert visit.blocking(violations) == []
