"""Questions in Moodle XML (the format of question/format/xml), one question or a whole quiz.

The plugin imports one question per document (keyed by its idnumber); without the plugin, the pack writes one file
per quiz for a manual import (Question bank > Import > Moodle XML). Multi-answer fractions use values from Moodle's
list of grade options, so the import never rejects them. This module only renders text.
"""

from __future__ import annotations

from collections.abc import Iterable

from cooperare.courses.catalogue import Question

# Moodle's question_bank::fraction_options_full() positive values, as percentages.
_FRACTIONS = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0, 20.0,
              16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0)

COMBINED_FEEDBACK = {
    "correctfeedback": "Răspuns corect.",
    "partiallycorrectfeedback": "Răspuns parțial corect.",
    "incorrectfeedback": "Răspuns incorect.",
}


def share(count: int) -> float:
    """The grade option nearest to 100/count (for ``count`` correct or wrong answers)."""
    exact = 100.0 / max(count, 1)
    return min(_FRACTIONS, key=lambda option: abs(option - exact))


def _fraction(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text or "0"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(tag: str, text: str, *, html: bool = True, indent: str = "    ") -> str:
    fmt = ' format="html"' if html else ""
    return f"{indent}<{tag}{fmt}><text>{_cdata(text)}</text></{tag}>\n"


def _answer(fraction: float, text: str, feedback: str, *, html: bool = True) -> str:
    fmt = ' format="html"' if html else ' format="moodle_auto_format"'
    return (f'    <answer fraction="{_fraction(fraction)}"{fmt}>\n'
            f"      <text>{_cdata(text)}</text>\n"
            f'      <feedback format="html"><text>{_cdata(feedback)}</text></feedback>\n'
            "    </answer>\n")


def _head(question: Question, idnumber: str, qtype: str, mark: float) -> str:
    return (f'  <question type="{qtype}">\n'
            f"    <name><text>{_cdata(question.key)}</text></name>\n"
            + _text("questiontext", question.text)
            + _text("generalfeedback", question.general_feedback)
            + f"    <defaultgrade>{_fraction(mark)}</defaultgrade>\n"
            "    <penalty>0.3333333</penalty>\n"
            "    <hidden>0</hidden>\n"
            f"    <idnumber>{_cdata(idnumber)}</idnumber>\n")


def _combined() -> str:
    return "".join(_text(tag, text) for tag, text in COMBINED_FEEDBACK.items())


def question_xml(question: Question, *, idnumber: str, mark: float = 1.0) -> str:
    """One ``<question>`` element."""
    if question.type == "multichoice":
        body = _head(question, idnumber, "multichoice", mark)
        body += f"    <single>{'true' if question.single else 'false'}</single>\n"
        body += "    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n"
        body += "    <showstandardinstruction>0</showstandardinstruction>\n" + _combined()
        correct = sum(1 for a in question.answers if a.correct)
        wrong = len(question.answers) - correct
        for answer in question.answers:
            if question.single:
                fraction = 100.0 if answer.correct else 0.0
            else:
                fraction = share(correct) if answer.correct else -share(wrong)
            body += _answer(fraction, answer.text, answer.feedback)
    elif question.type == "truefalse":
        body = _head(question, idnumber, "truefalse", mark)
        body += _answer(100.0 if question.correct else 0.0, "true", question.feedback_true, html=False)
        body += _answer(0.0 if question.correct else 100.0, "false", question.feedback_false, html=False)
    elif question.type == "shortanswer":
        body = _head(question, idnumber, "shortanswer", mark)
        body += "    <usecase>0</usecase>\n"
        for answer in question.answers:
            body += _answer(100.0, answer.text, answer.feedback, html=False)
        body += _answer(0.0, "*", question.feedback_wrong, html=False)
    elif question.type == "matching":
        body = _head(question, idnumber, "matching", mark)
        body += "    <shuffleanswers>true</shuffleanswers>\n"
        body += _text("correctfeedback", question.feedback_correct)
        body += _text("partiallycorrectfeedback", question.feedback_partial)
        body += _text("incorrectfeedback", question.feedback_incorrect)
        for pair in question.pairs:
            body += ('    <subquestion format="html">\n'
                     f"      <text>{_cdata(pair.question)}</text>\n"
                     f"      <answer><text>{_cdata(pair.answer)}</text></answer>\n"
                     "    </subquestion>\n")
    else:  # pragma: no cover - the model only admits the four types
        raise ValueError(f"unsupported question type {question.type}")
    return body + "  </question>\n"


def quiz_document(items: Iterable[tuple[Question, str]], *, category: str | None = None) -> str:
    """A Moodle XML document holding ``(question, idnumber)`` items, optionally into a named category."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    if category:
        parts.append('  <question type="category">\n'
                     f"    <category><text>{_cdata('$course$/top/' + category)}</text></category>\n"
                     "  </question>\n")
    parts.extend(question_xml(question, idnumber=idnumber) for question, idnumber in items)
    parts.append("</quiz>\n")
    return "".join(parts)


def single_question_document(question: Question, *, idnumber: str, mark: float = 1.0) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
            + question_xml(question, idnumber=idnumber, mark=mark) + "</quiz>\n")
