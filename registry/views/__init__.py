"""The core app's pages, one module per job: home, health (checks), sources, search, about.
Record pages of each app are in <app>/views.py on the machinery of registry/pages.py."""
