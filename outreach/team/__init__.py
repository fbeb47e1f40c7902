"""The supervisor's side: the team's checks pulled from the shared record, reviewed and counted."""
