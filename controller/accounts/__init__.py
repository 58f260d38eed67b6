"""Accounts of the commune staff: usernames, staff lists, the issued-username state.

- `usernames`: the plans' rule (given name + initials of family and middle names).
- `staff`: the staff CSV reader (FILE:LINE diagnostics, nothing applied on error).
- `accounts_state`: `state/accounts.yml` (who holds which username; never reissued) and the
  vault-encrypted `state/accounts.vault.yml` (names, contacts, initial passwords).
- `reconcile`: a staff list applied to the state (issue, keep, disable; never delete).
- `vault`: the workspace's Ansible Vault password file and VaultLib helpers.
"""
