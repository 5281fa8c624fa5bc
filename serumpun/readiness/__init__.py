"""Export readiness: requirements to export, assessments, action plans, label checks and cohorts."""
