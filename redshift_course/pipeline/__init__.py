"""The deployed mystery-shopper pipeline as the notebooks see it: stacks, deploy, uploads, loads, Redshift.

Every helper takes a :class:`~redshift_course.settings.CourseSettings`, so the same notebook cell
works in local mode (the local AWS and the local Redshift) and in aws mode (a real account).
Helpers print or return only stable things (counts, names, statuses), never timings or request
ids, so that a notebook's committed outputs compare equal on every run.

    walkthrough  the handouts read in a notebook: templates' resources, deploy.sh step by step
    stacks     stack status, outputs and resources; the pipeline's names; can a deploy start now
    deploy     run deploy.sh (streamed), or deploy only when the stacks are not ready
    uploads    CSV files to the raw-data bucket: from disk, from bytes
    upload_widget  a file picker that uploads the chosen CSV and reports its load
    loads      the Lambda's logs; wait for a file's load; load the visits when needed
    warehouse  the visits table in Redshift: queries as DataFrames, rows per source file
    rejects    the rows the Lambda rejected, read back from S3
"""
