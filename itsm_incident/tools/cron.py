"""The suite's cron jobs meet the desk's concurrent updates.

A cron job's transaction reads one snapshot of the database (repeatable
read): a ticket that a user changes meanwhile makes the job's own write or
foreign-key check on it fail with a serialization error. Odoo serves an
HTTP request again on a fresh snapshot in that case; a cron job it logs as
failed, rolled back, until its next run. The suite's jobs run again at once,
as requests do (``odoo.service.model.retrying``: a few tries, a random wait
between them, then the job's own failure).
"""

import functools

from odoo.service.model import retrying


def retry_on_conflict(method):
    """Run this cron method again on a fresh snapshot after a serialization
    failure or a deadlock, when it runs as a cron job (with a cursor of its
    own). Called otherwise (a test, a button), it runs once, in the caller's
    transaction, which it must not commit."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if not self.env.context.get("cron_id"):
            return method(self, *args, **kwargs)
        return retrying(functools.partial(method, self, *args, **kwargs), self.env)

    return wrapper
