"""Pure rules: dataclasses in, dataclasses out; no Django, no database, no clock."""
