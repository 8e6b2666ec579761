"""The JSON API under /api/v1/: mounts each app's apis.py."""
