"""One Excel import through the API during the soak: sign in as one of the organisation's
admins (an API session of its own), act as that admin, upload a members file, wait for the
check, commit, wait for the write. Prints the final state and the seconds taken.
Usage: import.py BASE_URL ID_NUMBER PASSWORD ORG_ID FILE.xlsx"""
import json, sys, time, urllib.request, uuid

base, id_number, password, org, path = sys.argv[1:6]
login = urllib.request.Request(base + "/api/v1/login", json.dumps({"id_number": id_number, "password": password}).encode(),
                               {"Content-Type": "application/json"})
auth = {"Authorization": "Bearer " + json.load(urllib.request.urlopen(login))["token"]}


def call(method, url, body=None, headers=None):
    req = urllib.request.Request(base + url, body, {**auth, **(headers or {})}, method=method)
    with urllib.request.urlopen(req, timeout=600) as res:
        return json.load(res)


def wait(job):
    while True:
        detail = call("GET", f"/api/v1/orgs/{org}/import/jobs/{job}")
        if detail["job"]["state"] != "running":
            return detail["job"]
        time.sleep(1)


call("PUT", "/api/v1/role", json.dumps({"kind": "admin", "org_id": int(org)}).encode(), {"Content-Type": "application/json"})
start = time.monotonic()
boundary = uuid.uuid4().hex
with open(path, "rb") as f:
    data = f.read()
body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"soak.xlsx\"\r\n"
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode() \
    + data + f"\r\n--{boundary}--\r\n".encode()
job = call("POST", f"/api/v1/orgs/{org}/import/members", body,
           {"Content-Type": f"multipart/form-data; boundary={boundary}"})["job"]["id"]
checked = wait(job)
if checked["state"] != "validated":
    print(f"check ended {checked['state']} {time.monotonic() - start:.1f}")
    sys.exit(1)
call("POST", f"/api/v1/orgs/{org}/import/jobs/{job}/commit", b"{}", {"Content-Type": "application/json"})
done = wait(job)
print(f"{done['state']} {time.monotonic() - start:.1f}")
sys.exit(0 if done["state"] == "committed" else 1)
