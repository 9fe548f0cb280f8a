"""A multiple-choice quiz: checked by plain functions, shown with ipywidgets, readable as text.

The checking logic knows nothing about widgets, so it is unit-tested on its own. ``show`` displays
the widgets with the text version as the fallback, so a notebook viewer without a widget frontend
(GitHub, a static HTML export, nbval) shows the questions as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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
    """An ipywidgets box: radio buttons per question, a Check button, feedback and a running score."""
    import ipywidgets as w

    rows, pickers, outputs = [], [], []
    for number, question in enumerate(questions, start=1):
        picker = w.RadioButtons(options=list(question.options), value=None, layout=w.Layout(width="auto"))
        feedback = w.HTML()
        pickers.append(picker)
        outputs.append(feedback)
        rows.append(w.VBox([w.HTML(f"<b>Q{number}. {question.prompt}</b>"), picker, feedback]))

    total = w.HTML()
    button = w.Button(description="Check my answers", button_style="primary")

    def on_check(_):
        for question, picker, feedback in zip(questions, pickers, outputs):
            result = check(question, picker.value)
            colour = "green" if result.correct else "firebrick"
            feedback.value = f"<span style='color:{colour}'>{result.message}</span>"
        right, count = score(questions, [p.value for p in pickers])
        total.value = f"<h4>Score: {right} / {count}</h4>"

    button.on_click(on_check)
    return w.VBox(rows + [button, total])


def show(questions: Sequence[Question]) -> None:
    """Display the quiz: widgets where a frontend can draw them, the text version everywhere else."""
    from IPython.display import display

    box = widget(questions)
    display(
        {
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2,
                "version_minor": 0,
                "model_id": box.model_id,
            },
            "text/plain": as_text(questions),
        },
        raw=True,
    )


QUESTIONS: tuple[Question, ...] = (
    Question(
        "In the warehouse analogy, what is kept in a data warehouse?",
        (
            "Raw materials straight from suppliers",
            "Finished goods, ready to ship or sell",
            "Only last week's orders",
            "The application's live sessions",
        ),
        1,
        "A warehouse keeps finished goods; a data warehouse keeps cleaned, structured data ready for analysis.",
    ),
    Question(
        "Which workload is Redshift built for?",
        (
            "OLTP: many tiny reads and writes of single rows",
            "OLAP: scans and aggregates over many rows",
            "Serving web pages",
            "Storing files like S3",
        ),
        1,
        "Redshift is an analytical (OLAP) warehouse: few, large queries over lots of rows.",
    ),
    Question(
        "A query computes AVG(overall_score) over a 10-column table. Roughly what share of the table "
        "does a column store read?",
        ("All of it", "About half", "About one column's worth", "None: it uses an index"),
        2,
        "A column store reads only the columns the query names; in notebook 02 it was about a tenth.",
    ),
    Question(
        "Why do columns compress better than rows?",
        (
            "Columns are always numbers",
            "Values of one column share a type and repeat a lot",
            "Redshift deletes duplicates",
            "Rows cannot be compressed",
        ),
        1,
        "Neighbouring values of one column are alike (same type, few distinct values), which compressors love.",
    ),
    Question(
        "What lets Redshift skip whole blocks for WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'?",
        (
            "A B-tree index",
            "Zone maps (min/max per block) on a table sorted by visit_date",
            "DISTSTYLE ALL",
            "The leader node's cache",
        ),
        1,
        "Each block's min and max are known; with a sort key on visit_date most blocks can't match and are skipped.",
    ),
    Question(
        "Which node talks to client applications and plans queries?",
        ("A compute node", "The leader node", "Slice 0", "Parameter Store"),
        1,
        "The leader node parses, plans, coordinates the compute nodes and merges their results.",
    ),
    Question(
        "What is a slice?",
        (
            "A backup of a table",
            "A share of a compute node's memory and disk that works in parallel",
            "A Redshift database",
            "A row of a table",
        ),
        1,
        "Each compute node is divided into slices; each slice holds part of every table and runs part of every query.",
    ),
    Question(
        "You set DISTKEY(store_type) on the visits table and there are 5 store types. What goes wrong?",
        (
            "Nothing",
            "Few distinct values: some slices get most rows (skew), others sit idle",
            "Redshift refuses the table",
            "Queries return wrong answers",
        ),
        1,
        "A distribution key needs many, evenly used values; with 5 values at most 5 slices hold data, unevenly.",
    ),
    Question(
        "Which distribution style keeps a full copy of a small table on every node?",
        ("EVEN", "KEY", "ALL", "AUTO never does"),
        2,
        "ALL copies the table to every node, so joins to it need no data movement (DS_DIST_ALL_NONE).",
    ),
    Question(
        "Which node family separates compute from storage with Redshift Managed Storage?",
        ("DC2", "DS2", "RA3", "T2"),
        2,
        "RA3 nodes keep data in managed storage (S3-backed with local SSD cache); you size compute and storage separately.",
    ),
    Question(
        "Where does the ETL Lambda get its Redshift password?",
        (
            "Hard-coded in the Python file",
            "An environment variable",
            "A SecureString in SSM Parameter Store, read at run time",
            "The CloudFormation template's Outputs",
        ),
        2,
        "Secrets never go in code or environment variables: the Lambda reads an encrypted SecureString when it runs.",
    ),
    Question(
        "Why should only ONE person per team run deploy.sh?",
        (
            "It is slow",
            "Everyone would update the same team stacks at once and trip over each other",
            "AWS allows one deploy per day",
            "The others have no AWS access",
        ),
        1,
        "The stacks belong to the team; concurrent updates of one stack fail or overwrite each other.",
    ),
)
