"""The supervisor's Review workspace: the team's checks to review, one check under review, the dashboards."""
