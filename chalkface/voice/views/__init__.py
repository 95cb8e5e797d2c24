"""The voice app's pages, one module a job: ``respondent`` (no account), ``campaigns`` (running a
campaign: codes, links, sharing) and ``incidents`` (reports and their triage)."""
