"""Plain-language checks: reading grade, acronyms explained on first use, long sentences, decimals."""
import pytest

from indicators.readability import (
    check_plain_language,
    compute_reading_grade,
    find_decimal_numbers,
    find_unexplained_acronyms,
    split_sentences,
)

EASY = "The cat sat on the mat. It was a warm day. We had tea in the sun."
HARD = ("Notwithstanding considerable organisational heterogeneity, multidisciplinary collaborative "
        "arrangements demonstrated substantially improved operational sustainability characteristics "
        "throughout the implementation evaluation period.")


def test_short_words_in_short_sentences_score_a_low_grade_and_long_words_a_high_one():
    assert compute_reading_grade(EASY) < 3
    assert compute_reading_grade(HARD) > 16


def test_an_empty_text_has_grade_zero():
    assert compute_reading_grade("") == 0.0
    assert compute_reading_grade("   ") == 0.0


def test_the_grade_is_measured_offline_without_downloading_a_dictionary(monkeypatch):
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("textstat tried to download the CMU dictionary")

    monkeypatch.setattr(nltk, "download", refuse)
    assert compute_reading_grade("In Camden, about 9 in 10 people can book an appointment.") < 8


def test_sentences_split_at_full_stops_and_line_breaks():
    text = "In Camden, about 9 in 10 people. This is more.\nStaff in GP surgeries\n5 in 10 do."
    assert split_sentences(text) == [
        "In Camden, about 9 in 10 people.", "This is more.", "Staff in GP surgeries", "5 in 10 do."]


def test_numbers_with_decimals_are_found_but_whole_numbers_and_clock_times_are_not():
    text = "It was 97.3% in 2018, or 0.58 per 1,000. Open before 8am, after 6.30pm and 1,000 people."
    assert find_decimal_numbers(text) == ["97.3", "0.58"]
    assert find_decimal_numbers("About 6 in 10. The aim is 97 in 100.") == []


def test_an_acronym_used_without_explanation_is_reported():
    assert find_unexplained_acronyms("The STP met the CCG.") == ["STP", "CCG"]


def test_an_acronym_after_its_full_name_in_brackets_is_explained_and_later_uses_are_fine():
    text = ("The Sustainability and Transformation Partnership (STP) has a plan. "
            "The STP meets monthly.")
    assert find_unexplained_acronyms(text) == []


def test_an_acronym_followed_by_its_full_name_in_brackets_is_explained():
    assert find_unexplained_acronyms("Each PCN (Primary Care Network) is small. PCNs grow.") == []


def test_plain_words_from_the_glossary_explain_an_acronym():
    assert find_unexplained_acronyms("Ask your family doctors (GPs). GPs know.") == []
    assert find_unexplained_acronyms("Ask your GPs (family doctors). GP surgeries.") == []


def test_an_acronym_used_once_before_its_explanation_is_still_reported_once():
    text = "GP surgeries are busy. Family doctors (GPs) work there. GPs are tired."
    assert find_unexplained_acronyms(text) == ["GP"]


def test_unknown_acronyms_are_explained_by_the_initials_of_the_words_before_them():
    assert find_unexplained_acronyms("A Very Important Person (VIP) came.") == []
    assert find_unexplained_acronyms("A visitor (VIP) came.") == ["VIP"]


def test_a_plain_text_has_no_problems():
    text = ("In South East London, about 9 in 10 people can book a family doctor (GP) appointment in "
            "the evening or at the weekend. This is more than in London as a whole. The aim for London "
            "is 97 in 100.")
    assert check_plain_language(text) == []


def test_each_kind_of_problem_is_reported_in_plain_words():
    long_sentence = "Every " + " ".join(["word"] * 29) + "."
    problems = check_plain_language(f"The STP has 97.3% cover. {long_sentence} {HARD}")
    kinds = {problem.kind for problem in problems}
    assert kinds == {"reading_grade", "acronym", "long_sentence", "decimal_number"}
    messages = [str(problem) for problem in problems]
    assert "'STP' is used before it is explained." in messages
    assert "The number 97.3 has decimals; use a whole number or words." in messages
    assert any(m.startswith("A sentence has 30 words (more than 25)") for m in messages)
    assert any(m.startswith("The reading grade is") for m in messages)


@pytest.mark.parametrize("words, problems", [(25, 0), (26, 1)])
def test_sentences_of_up_to_25_words_are_fine(words, problems):
    text = " ".join(["cat"] * words) + "."
    assert len([p for p in check_plain_language(text) if p.kind == "long_sentence"]) == problems
