"""The load test of `manage.py benchmark --load`: runner.py (the Django side) and locustfile.py
(Locust's side, run in its own process; it imports nothing from Django)."""
