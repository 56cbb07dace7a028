"""Models follow in their own issue; the app is registered so its URLs and permissions have a home."""
