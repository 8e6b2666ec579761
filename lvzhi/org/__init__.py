"""The structure of the field: congresses, terms, sessions, committees, electoral units, undertaking units,
people and their mandates, deputy groups, accounts and roles, and the settings each congress reads its
rules from."""
