"""Write paths: processing uploads, refreshing rollups, loading the demo."""
