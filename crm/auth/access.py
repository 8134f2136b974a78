"""Role checks for whole pages (records are guarded by scopes instead)."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """The view needs a login and one of `roles`; anyone else gets 403 and nothing changes."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_roles = roles  # read by the navigation: roles stated once
        return guarded

    return decorate
