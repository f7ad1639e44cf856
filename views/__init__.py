"""Every view is added here, in one place, in menu order."""


def register(appbuilder) -> None:
    pass
