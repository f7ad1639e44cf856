from flask_appbuilder import IndexView


class HomeView(IndexView):
    pass
