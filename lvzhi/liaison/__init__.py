"""Standing-committee members' and committees' contacts with deputies."""
