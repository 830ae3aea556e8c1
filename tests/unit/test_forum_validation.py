"""What a table may submit: refused with a message naming the field, never altered."""
import datetime as dt

import pytest

from forum.errors import ForumInputError, LinkNotFoundError
from forum.models import MATURITY_DOMAINS, RoleCount, TableAnswer
from forum.store import new_link_token
from forum.validation import (
    validate_event_fields,
    validate_link_token,
    validate_stp_choice,
    validate_table_answer,
    validate_table_label,
    validate_token,
)

SCORES = {domain.code: 3 for domain in MATURITY_DOMAINS}


def answer(**changes) -> TableAnswer:
    fields = {"scores": dict(SCORES), "vision": {}, "barriers": ()}
    fields.update(changes)
    return TableAnswer(**fields)


def test_a_valid_answer_comes_back_unchanged_with_every_role_filled_in():
    typed = "  <b>keep</b> **as typed**\r\n  "
    checked = validate_table_answer(answer(next_steps=typed, barrier_text=typed, vision={"gp": RoleCount(5, 4, 2)}))

    assert checked.next_steps == typed and checked.barrier_text == typed
    assert checked.vision["gp"] == RoleCount(5, 4, 2)
    assert checked.vision["patient_public"] == RoleCount(0, 0, 0)


def test_the_same_barrier_chosen_twice_counts_once():
    assert validate_table_answer(answer(barriers=("time", "funding", "time"))).barriers == ("time", "funding")


@pytest.mark.parametrize(
    ("score", "message"),
    [(0, "from 1 to 5, not 0"), (6, "not 6"), (2.5, "not 2.5"), (True, "not True"), ("3", "not '3'")],
)
def test_scores_are_whole_numbers_from_1_to_5(score, message):
    with pytest.raises(ForumInputError, match=message) as refused:
        validate_table_answer(answer(scores={**SCORES, "resources": score}))

    assert refused.value.field == "score_resources"
    assert "Managing resources" in str(refused.value)


def test_every_domain_needs_a_score():
    scores = dict(SCORES)
    del scores["people"]

    with pytest.raises(ForumInputError, match="Working with people and communities") as refused:
        validate_table_answer(answer(scores=scores))

    assert refused.value.field == "score_people"


@pytest.mark.parametrize(
    ("count", "field", "message"),
    [
        (RoleCount(-1, 0, 0), "gp_present", "between 0 and 1,000"),
        (RoleCount(2, 3, 0), "gp_know", "3 people know the vision but only 2 are at the table"),
        (RoleCount(4, 2, 3), "gp_own", "3 people own the vision but only 2 know it"),
        (RoleCount(1.5, 0, 0), "gp_present", "whole number"),
        (RoleCount(1001, 0, 0), "gp_present", "between 0 and 1,000"),
    ],
)
def test_head_counts_add_up(count, field, message):
    with pytest.raises(ForumInputError, match=message) as refused:
        validate_table_answer(answer(vision={"gp": count}))

    assert refused.value.field == field


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"barriers": ("parking",)}, "barriers", "Unknown barrier 'parking'"),
        ({"barriers": "time"}, "barriers", "list of barrier codes"),
        ({"vision": {"receptionist": RoleCount()}}, "vision", "Unknown role"),
        ({"scores": {**SCORES, "vibes": 3}}, "scores", "Unknown maturity domain"),
        ({"barrier_text": "y" * 4001}, "barrier_text", "Other barriers is 4,001 characters long; the limit is 4,000"),
        ({"next_steps": None}, "next_steps", "Next steps must be text"),
        ({"next_steps": "a\x00b"}, "next_steps", "NUL"),
    ],
)
def test_bad_fields_are_refused_by_name(changes, field, message):
    with pytest.raises(ForumInputError, match=message) as refused:
        validate_table_answer(answer(**changes))

    assert refused.value.field == field
    assert isinstance(refused.value, ValueError)


def test_text_at_the_limit_is_accepted_whole():
    assert validate_table_answer(answer(next_steps="é" * 4000)).next_steps == "é" * 4000


def test_event_needs_a_name_and_a_date():
    assert validate_event_fields(" Forum ", dt.date(2019, 3, 14)) == (" Forum ", dt.date(2019, 3, 14))
    with pytest.raises(ForumInputError, match="Give the event a name"):
        validate_event_fields("", dt.date(2019, 3, 14))
    with pytest.raises(ForumInputError, match="calendar date") as refused:
        validate_event_fields("Forum", "2019-03-14")
    assert refused.value.field == "date"


@pytest.mark.parametrize("token", ["", None, "x" * 65])
def test_a_missing_or_odd_token_asks_for_a_reload(token):
    with pytest.raises(ForumInputError, match="reload the page"):
        validate_token(token)


def test_a_link_token_is_what_secrets_token_urlsafe_writes_and_nothing_else():
    token = new_link_token()
    assert validate_link_token(token) == token and len(token) == 32
    for bad in ("3", "", None, "²" * 32, "x" * 65, "a b" * 8, "[x](https://example.org)", "0" * 5000):
        with pytest.raises(LinkNotFoundError, match="This link is not known"):
            validate_link_token(bad)


def test_an_stp_must_be_one_the_data_offers():
    choices = {"QKK": "South East London", "E54000027": "North West London"}
    assert validate_stp_choice("E54000027", choices) == ("E54000027", "North West London")
    for bad in ("XYZ", "", None, "qkk"):
        with pytest.raises(ForumInputError, match="not one of the STPs in the data") as refused:
            validate_stp_choice(bad, choices)
        assert refused.value.field == "stp_code"


def test_a_table_label_is_kept_as_typed_up_to_100_characters():
    assert validate_table_label(" <b>Table 3</b> ") == " <b>Table 3</b> "
    with pytest.raises(ForumInputError, match="the limit is 100") as refused:
        validate_table_label("t" * 101)
    assert refused.value.field == "table_label"
