import re
def test_x(app, as_user):
    c = as_user("admin")
    for u in ("/groups/add", "/groups/list/"):
        html = c.get(u).get_data(as_text=True)
        body = html.split('<div class="container">',1)[-1]
        txt = re.sub(r'<script.*?</script>', '', body, flags=re.S)
        txt = re.sub(r'<[^>]+>', ' ', txt)
        print(u, re.findall(r'[A-Za-z][A-Za-z ]{2,}', txt)[:80])
