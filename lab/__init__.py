"""The containerised "province in a box": plan (pure), podman calls, overlay, up/down/status."""
