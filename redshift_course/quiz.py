"""A multiple-choice quiz: questions read from a data file, checked by plain functions, shown with
ipywidgets, readable as text.

The questions live in ``handouts/quiz/recap_quiz.yaml`` (content, not code). The checking logic
knows nothing about widgets, so it is unit-tested on its own. ``show`` displays the widgets with the
text version as the fallback, so a notebook viewer without a widget frontend (GitHub, a static
HTML export, nbval, the committed outputs) shows the questions only: an answer and its reason
appear only when a learner checks that question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .live import display_widget
from .paths import HANDOUTS


@dataclass(frozen=True)
class Question:
    prompt: str
    options: tuple[str, ...]
    answer: int  # index into options
    explanation: str

    def __post_init__(self) -> None:
        if len(self.options) < 2:
            raise ValueError(f"Question {self.prompt!r} needs at least two options.")
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"Question {self.prompt!r}: answer {self.answer} is not an option index.")


@dataclass(frozen=True)
class Feedback:
    correct: bool
    message: str


def check(question: Question, choice: int | str | None) -> Feedback:
    """Whether ``choice`` (an option index or the option's text) answers ``question``, and why."""
    if choice is None:
        return Feedback(False, "Pick an answer first.")
    if isinstance(choice, str):
        if choice not in question.options:
            return Feedback(False, f"{choice!r} is not one of the options.")
        choice = question.options.index(choice)
    if not 0 <= choice < len(question.options):
        return Feedback(False, f"Option {choice} does not exist.")
    if choice == question.answer:
        return Feedback(True, f"Correct! {question.explanation}")
    return Feedback(False, f"Not quite. {question.explanation}")


def score(questions: Sequence[Question], choices: Sequence[int | str | None]) -> tuple[int, int]:
    """(correct answers, questions) for one set of choices, unanswered counting as wrong."""
    if len(choices) != len(questions):
        raise ValueError(f"Got {len(choices)} answers for {len(questions)} questions.")
    right = sum(check(q, c).correct for q, c in zip(questions, choices))
    return right, len(questions)


def as_text(questions: Sequence[Question], with_answers: bool = False) -> str:
    """The quiz as plain text; with ``with_answers`` the right option is marked and explained."""
    lines = []
    for number, question in enumerate(questions, start=1):
        lines.append(f"Q{number}. {question.prompt}")
        for index, option in enumerate(question.options):
            mark = " <- answer" if with_answers and index == question.answer else ""
            lines.append(f"    {chr(ord('a') + index)}) {option}{mark}")
        if with_answers:
            lines.append(f"    Why: {question.explanation}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def widget(questions: Sequence[Question]):
    """An ipywidgets box: per question, radio buttons and a Check button that reveals only that
    question's feedback; at the end, the score so far."""
    import ipywidgets as w

    rows, pickers = [], []
    total = w.HTML()

    def update_total() -> None:
        right, count = score(questions, [p.value for p in pickers])
        total.value = f"<b>Score so far: {right} / {count}</b>"

    for number, question in enumerate(questions, start=1):
        picker = w.RadioButtons(options=list(question.options), value=None, layout=w.Layout(width="auto"))
        feedback = w.HTML()
        button = w.Button(description=f"Check Q{number}")

        def on_check(_, question=question, picker=picker, feedback=feedback) -> None:
            result = check(question, picker.value)
            colour = "green" if result.correct else "firebrick"
            feedback.value = f"<span style='color:{colour}'>{result.message}</span>"
            update_total()

        button.on_click(on_check)
        pickers.append(picker)
        rows.append(w.VBox([w.HTML(f"<b>Q{number}. {question.prompt}</b>"), picker, button, feedback]))
    return w.VBox([*rows, total])


def show(questions: Sequence[Question]) -> None:
    """Display the quiz: widgets where a frontend can draw them, the text version everywhere else."""
    display_widget(widget(questions), as_text(questions))


QUIZ_FILE = HANDOUTS / "quiz" / "recap_quiz.yaml"


def load(path: Path = QUIZ_FILE) -> tuple[Question, ...]:
    """The questions of a quiz file: each has ``question``, ``options``, ``answer`` (a letter), ``why``."""
    import yaml

    questions = []
    for number, item in enumerate(yaml.safe_load(Path(path).read_text(encoding="utf-8")), start=1):
        letters = "abcdefghij"[: len(item["options"])]
        if item["answer"] not in letters:
            raise ValueError(f"{path}: question {number}'s answer {item['answer']!r} is not one of {letters}")
        questions.append(Question(item["question"], tuple(item["options"]), letters.index(item["answer"]), item["why"]))
    return tuple(questions)


QUESTIONS = load()
