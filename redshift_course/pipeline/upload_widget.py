"""A file picker in the notebook: the chosen CSV goes to the raw-data bucket and its load is reported."""

from __future__ import annotations

from typing import Any

from ..live import display_widget
from ..settings import CourseSettings
from .loads import stable_summary, wait_for_load
from .uploads import upload_bytes


def upload_widget(settings: CourseSettings):
    """An ipywidgets FileUpload that sends the chosen CSV through the pipeline and reports the load.

    Its callback only runs when a person picks a file in a live notebook, so executing the cell
    (for example under nbval) displays the widget and does nothing else.
    """
    import ipywidgets as widgets

    picker = widgets.FileUpload(accept=".csv", multiple=False, description="Upload CSV")
    report = widgets.Output()

    def on_upload(change: dict[str, Any]) -> None:
        for item in change["new"]:
            with report:
                upload = upload_bytes(settings, bytes(item["content"]), item["name"])
                print(f"Uploaded {upload.key} ({upload.rows} data rows) to s3://{upload.bucket}/")
                summary = wait_for_load(settings, upload.key, upload.rows, since=upload.since_ms)
                print(f"Lambda: {stable_summary(summary)}")

    picker.observe(on_upload, names="value")
    display_widget(
        widgets.VBox([picker, report]),
        "(in a live notebook a file picker shows here: the CSV you choose is uploaded and its load reported)",
    )
    return picker
