"""Start a Celery task by its registered name.

A service whose task body calls back into that service (documenten → render_document → documenten) would form an
import cycle if it imported its tasks module; the task's registered name is the contract instead. The task object
is the same one `tasks.<name>.delay` reaches, so eager mode (`make run`, tests) and the real worker behave alike.
Each app imports its tasks module in AppConfig.ready(), so every name is registered in web processes as well.
"""

from celery import current_app


def start(*, name: str, args: tuple = ()) -> None:
    """Queue the task `name` (run it in-process in eager mode); KeyError when no such task is registered."""
    current_app.tasks[name].delay(*args)
