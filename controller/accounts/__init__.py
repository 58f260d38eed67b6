"""Accounts of the commune staff: usernames, staff lists, the issued-username state.

- `name_order`: which words of a name are the given name (Kinh order, the Central Highlands rule).
- `usernames`: the plans' rule (given name + initials), reserved names, transliteration.
- `staff`: the staff CSV reader (FILE:LINE diagnostics, nothing applied on error).
- `person_keys`: the salted pseudonymous keys of the state, and the migration of unsalted ones.
- `accounts_state`: `state/accounts.yml` (who holds which username; never reissued) and the
  vault-encrypted `state/accounts.vault.yml` (names, contacts, initial passwords, the key secret).
- `reconcile`: a staff list applied to the state (issue, keep, disable; never delete; the
  mass-disable guard's figures; staff ids given later).
- `preview`: the table (and JSON) `accounts import --dry-run` prints.
- `rename`: what the controller can see of a username's use, for `accounts rename`.
- `vault`: the workspace's Ansible Vault password file and VaultLib helpers.
"""
