"""Flask-AppBuilder's own UI strings that its zh catalogue lacks or words badly.

FAB looks them up by these English ids; listing them here keeps them in our extracted catalogue,
so ``make babel-update`` never drops their Chinese from translations/zh (ours win over FAB's).
"""
from flask_babel import lazy_gettext as _

FAB_MESSAGES = (
    _("Add"),
    _("Edit"),
    _("Delete"),
    _("Show"),
    _("List"),
    _("Export"),
    _("User Info"),
    _("Change Password"),
    _("Are you sure you want to delete this item?"),
    _("Add Group"),
    _("Edit Group"),
    _("Show Group"),
    _("List Groups"),
    _("Groups"),
    _("Roles"),
    _("Active"),
    _("Cancel"),
    _("OK"),
    _("Edit User Information"),
    _("Either select a role or a group"),
    _("Contains (insensitive)"),
    _("In"),
    _("Not In"),
    _("Starts with"),
    _("Ends with"),
    _("Not Starts with"),
    _("Not Ends with"),
    _("Database Error"),
    _("Sign In with "),
    _("The user's password for authentication"),
    _("User information changed"),
    _("User(s) exists in the group, cannot delete"),
    _("User(s) exists in the role, cannot delete"),
    _(
        "Must have at least two capital letters, one special character, two digits, "
        "three lower case letters and a minimal length of 10."
    ),
    _("Statistics"),
    _("Not a valid choice"),
    _("It's not a good policy to remove a user, just make it inactive"),
    _("Logout"),
)
