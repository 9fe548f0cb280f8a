"""Feedback that updates in place while a notebook cell waits, and is saved as a plain sentence.

A widget's live updates travel over its comm, so neither the saved notebook nor nbval sees them:
what is saved (and compared) is the ``plain`` sentence given when the widget was shown, the same
on every run. Outside a Jupyter kernel (a script, a test) the sentence is printed instead.
"""

from __future__ import annotations


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def display_widget(widget, plain: str) -> None:
    """Display ``widget``; a viewer without widgets (GitHub, nbval, the saved file) shows ``plain``."""
    from IPython.display import display

    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    display({"application/vnd.jupyter.widget-view+json": view, "text/plain": plain}, raw=True)


class Status:
    """One status line with a progress bar: what is happening, how far, and how it ended.

    ``total`` is what the bar counts to (rows, files); without it the bar only fills at the end.
    """

    def __init__(self, plain: str, total: int | None = None) -> None:
        self.plain, self.total = plain, total
        self._bar = self._label = None
        if not in_notebook():
            print(plain, flush=True)
            return
        import ipywidgets as widgets

        self._bar = widgets.IntProgress(value=0, min=0, max=max(total or 1, 1), bar_style="info")
        self._label = widgets.Label(value=plain)
        display_widget(widgets.HBox([self._bar, self._label]), plain)

    def update(self, text: str, done: int | None = None) -> None:
        if self._label is None:
            return
        self._label.value = text
        if done is not None:
            self._bar.value = min(done, self._bar.max)

    def finish(self, text: str, ok: bool = True, done: int | None = None) -> None:
        """The end state: a full green bar when ``ok``, red otherwise."""
        if self._label is None:
            return
        self._bar.value = self._bar.max if done is None else min(done, self._bar.max)
        self._bar.bar_style = "success" if ok else "danger"
        self._label.value = text
