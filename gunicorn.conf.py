"""gunicorn's settings for this app, read from the directory gunicorn starts in (`gunicorn poverty.wsgi` finds it
there; the README's production command and the benchmarks start it in the project's root).

The app is imported once, in the master process, and the objects that import made (Django, the app's modules,
settings, URL patterns) are moved out of the garbage collector's sight before the workers are forked: they live as
long as the process does, so scanning them on every full collection in every worker is wasted work (about 5 % of a
worker's CPU per request, measured in-process), and leaving them untouched keeps their memory shared with the
master.
"""

import gc

preload_app = True


def pre_fork(server, worker):
    gc.freeze()
