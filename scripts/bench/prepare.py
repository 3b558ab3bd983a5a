"""Signs in to a running tuanjian and prints what the benchmark needs, one per line:
the session cookie of a page login, the id of a county-level organisation page to load, and an
API token (acting as that admin).
Usage: prepare.py BASE_URL ID_NUMBER PASSWORD"""
import http.cookiejar, json, re, sys, urllib.parse, urllib.request

base, id_number, password = sys.argv[1:4]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
html = opener.open(base + "/login").read().decode()
csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
form = urllib.parse.urlencode({"csrf": csrf, "id_number": id_number, "password": password}).encode()
opener.open(base + "/login", form)
session = next(c.value for c in jar if c.name == "tj_session")

req = urllib.request.Request(base + "/api/v1/login", json.dumps({"id_number": id_number, "password": password}).encode(),
                             {"Content-Type": "application/json"})
login = json.load(urllib.request.urlopen(req))
token = login["token"]
# Act as the first admin role, in the page session and the API session alike.
admin = next(r for r in login["roles"] if r["kind"] == "admin")
home = opener.open(base + "/").read().decode()
csrf = re.search(r'name="csrf" value="([^"]+)"', home).group(1)
opener.open(base + "/role", urllib.parse.urlencode({"csrf": csrf, "kind": "admin", "org_id": admin["org_id"]}).encode())
urllib.request.urlopen(urllib.request.Request(base + "/api/v1/role", json.dumps({"kind": "admin", "org_id": admin["org_id"]}).encode(),
                                              {"Content-Type": "application/json", "Authorization": "Bearer " + token}, method="PUT"))

def children(org_id):
    r = urllib.request.Request(f"{base}/api/v1/orgs/{org_id}/children?per_page=200", headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(r))["items"]

me = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/me", headers={"Authorization": "Bearer " + token})))
org = me["active_role"]["org_id"]
# Walk down the biggest child until a county-level committee: a typical admin's page.
for _ in range(4):
    kids = [k for k in children(org) if k["child_count"] > 0]
    if not kids:
        break
    org = max(kids, key=lambda k: k["child_count"])["id"]
    if max(kids, key=lambda k: k["child_count"])["level"] == "county":
        break
print(session)
print(org)
print(token)
