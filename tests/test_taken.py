"""Tasks started by name (samenwerking.taken): every name a service uses is a task the app has registered."""

import pytest
from celery import current_app

from arrangementen import documenten, geweldsadviezen, tasks, workflow
from samenwerking import taken


@pytest.mark.parametrize(("name", "task"), [
    (documenten.RENDER_TASK, tasks.render_document),
    (geweldsadviezen.RENDER_TASK, tasks.render_geweldsadvies),
    (workflow.NOTIFY_TASK, tasks.notify_transition),
])
def test_a_task_started_by_name_is_the_registered_task(name, task):
    assert current_app.tasks[name] is task._get_current_object()


def test_starting_an_unknown_task_name_fails_loudly():
    with pytest.raises(KeyError):
        taken.start(name="arrangementen.tasks.bestaat_niet", args=(1,))

