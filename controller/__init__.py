"""mergectl: turns Vietnam's 2025 commune-merger mapping into reviewed Ansible inventories."""

__version__ = "0.1.0"
