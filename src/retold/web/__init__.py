"""The web UI and HTTP API (`retold serve`): a thin front over the library."""
