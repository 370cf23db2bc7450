#!/usr/bin/env python3
"""Captures the fuzz targets' seed corpora from capsync-sandbox: real response bodies of every
provider, served from the sandbox's generated seed data, a few small pages each.

    test/fuzz/capture_seeds.py BUILD_DIR      (writes test/fuzz/corpus/<target>/<name>.json)

Bodies are saved as served, so the seeds follow the sandbox when its shapes change. The admin
protocol and config seeds are not provider answers; they are kept by hand next to these.
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "test" / "fuzz" / "corpus"
CLIENT = ("sandbox-client-id", "sandbox-client-secret")


class Sandbox:
    def __init__(self, binary, provider, workdir):
        seed = workdir / f"{provider}.json"
        with open(seed, "wb") as out:
            subprocess.run([binary, "generate", "--seed", "7", "--parties", "5", "--contacts", "16",
                            "--invoices", "40", "--provider", provider], stdout=out, check=True)
        self.proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--seed", str(seed)],
                                     stdout=subprocess.PIPE, text=True)
        self.base = self.proc.stdout.readline().strip()

    def close(self):
        self.proc.terminate()
        self.proc.wait()

    def call(self, method, path, headers=None, body=None, form=None, basic=None):
        data = None
        headers = dict(headers or {})
        headers.setdefault("User-Agent", "capsync-fuzz-seeds")
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if basic:
            import base64
            headers["Authorization"] = "Basic " + base64.b64encode(":".join(basic).encode()).decode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


def save(target, name, answer):
    status, body = answer
    if not body:
        return
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_bytes(body)
    print(f"{target}/{name}.json  ({status}, {len(body)} bytes)")


def oauth_token(sb, provider, path, refresh_token, basic=True):
    answer = sb.call("POST", path, form={"grant_type": "refresh_token", "refresh_token": refresh_token},
                     basic=CLIENT if basic else None)
    if not basic:
        answer = sb.call("POST", path, form={"grant_type": "refresh_token", "refresh_token": refresh_token,
                                             "client_id": CLIENT[0], "client_secret": CLIENT[1]})
    save("oauth_token", f"{provider}_refresh", answer)
    token = json.loads(answer[1])["access_token"]
    save("oauth_token", f"{provider}_invalid_grant",
         sb.call("POST", path, form={"grant_type": "refresh_token", "refresh_token": "used-up",
                                     "client_id": CLIENT[0], "client_secret": CLIENT[1]}, basic=CLIENT))
    return token


def capsule(sb):
    auth = {"Authorization": "Bearer capsule-sandbox-token"}
    api = "/capsule/api/v2"
    save("capsule_json", "parties_page1", sb.call("GET", f"{api}/parties?perPage=2&embed=fields,tags,organisation", auth))
    save("capsule_json", "parties_page3", sb.call("GET", f"{api}/parties?page=3&perPage=2&embed=fields,tags,organisation", auth))
    save("capsule_json", "parties_since", sb.call("GET", f"{api}/parties?perPage=3&since=2026-01-01T00:00:00Z", auth))
    save("capsule_json", "party", sb.call("GET", f"{api}/parties/1?embed=fields,tags,organisation", auth))
    save("capsule_json", "parties_two", sb.call("GET", f"{api}/parties/1,2", auth))
    save("capsule_json", "people", sb.call("GET", f"{api}/parties/1/people", auth))
    status, body = sb.call("POST", f"{api}/entries", auth,
                           body={"entry": {"type": "note", "party": {"id": 1}, "content": "Invoice INV-0001 sent"}})
    save("capsule_json", "note", (status, body))
    save("capsule_json", "notes", sb.call("GET", f"{api}/parties/1/entries", auth))
    sb.call("DELETE", f"{api}/parties/5", auth)
    save("capsule_json", "deleted", sb.call("GET", f"{api}/parties/deleted?since=2020-01-01T00:00:00Z", auth))
    save("capsule_json", "definitions", sb.call("GET", f"{api}/parties/fields/definitions", auth))
    save("capsule_json", "tags", sb.call("GET", f"{api}/parties/tags", auth))
    save("capsule_json", "teams", sb.call("GET", f"{api}/teams", auth))
    save("capsule_json", "error_401", sb.call("GET", f"{api}/parties", {"Authorization": "Bearer wrong"}))
    save("capsule_json", "error_422", sb.call("POST", f"{api}/parties", auth, body={"party": {"type": "person"}}))
    save("capsule_json", "error_404", sb.call("GET", f"{api}/parties/999999", auth))


def xero(sb):
    token = oauth_token(sb, "xero", "/xero-identity/connect/token", "xero-sandbox-refresh-token")
    auth = {"Authorization": f"Bearer {token}", "xero-tenant-id": "b0a1c2d3-0000-4000-8000-000000000001"}
    api = "/xero/api.xro/2.0"
    save("xero_json", "connections", sb.call("GET", "/xero/connections", {"Authorization": f"Bearer {token}"}))
    save("xero_json", "organisation", sb.call("GET", f"{api}/Organisation", auth))
    save("xero_json", "contacts_page1", sb.call("GET", f"{api}/Contacts?page=1&pageSize=2", auth))
    save("xero_json", "contacts_page3", sb.call("GET", f"{api}/Contacts?page=3&pageSize=2", auth))
    save("xero_json", "contacts_summary", sb.call("GET", f"{api}/Contacts?summaryOnly=true&includeArchived=true&page=2&pageSize=3", auth))
    status, body = sb.call("GET", f"{api}/Contacts?page=1&pageSize=1", auth)
    contact_id = json.loads(body)["Contacts"][0]["ContactID"]
    save("xero_json", "contact", sb.call("GET", f"{api}/Contacts/{contact_id}", auth))
    save("xero_json", "invoices_page1", sb.call("GET", f"{api}/Invoices?page=1&pageSize=2", auth))
    save("xero_json", "invoices_page2", sb.call("GET", f"{api}/Invoices?page=2&pageSize=2", auth))
    status, body = sb.call("GET", f"{api}/Invoices?page=1&pageSize=1", auth)
    invoice_id = json.loads(body)["Invoices"][0]["InvoiceID"]
    save("xero_json", "invoice", sb.call("GET", f"{api}/Invoices/{invoice_id}", auth))
    save("xero_json", "error_401", sb.call("GET", f"{api}/Contacts", {"Authorization": "Bearer wrong"}))
    save("xero_json", "error_403", sb.call("GET", f"{api}/Contacts", {"Authorization": f"Bearer {token}"}))
    save("xero_json", "error_400_duplicate",
         sb.call("PUT", f"{api}/Contacts", auth, body={"Contacts": [{"Name": "Acme Trading Ltd"}]}))
    save("xero_json", "error_400_each", sb.call("POST", f"{api}/Contacts?summarizeErrors=false", auth,
                                                body={"Contacts": [{"Name": "Acme Trading Ltd"}, {"Name": "New One"}]}))
    save("xero_json", "error_404", sb.call("GET", f"{api}/Contacts/00000000-0000-0000-0000-000000000000", auth))


def sage(sb):
    token = oauth_token(sb, "sage", "/sage-oauth/token", "sage-sandbox-refresh-token", basic=False)
    auth = {"Authorization": f"Bearer {token}"}
    api = "/sage/v3.1"
    save("sage_json", "contacts_page1", sb.call("GET", f"{api}/contacts?items_per_page=2&attributes=all", auth))
    save("sage_json", "contacts_page3", sb.call("GET", f"{api}/contacts?page=3&items_per_page=2&attributes=all", auth))
    save("sage_json", "contacts_summary", sb.call("GET", f"{api}/contacts?items_per_page=3", auth))
    status, body = sb.call("GET", f"{api}/contacts?items_per_page=1", auth)
    contact_id = json.loads(body)["$items"][0]["id"]
    save("sage_json", "contact", sb.call("GET", f"{api}/contacts/{contact_id}", auth))
    save("sage_json", "sales_invoices", sb.call("GET", f"{api}/sales_invoices?items_per_page=2&attributes=all", auth))
    save("sage_json", "purchase_invoices", sb.call("GET", f"{api}/purchase_invoices?items_per_page=2&attributes=all", auth))
    save("sage_json", "sales_quotes", sb.call("GET", f"{api}/sales_quotes?items_per_page=2&attributes=all", auth))
    save("sage_json", "sales_estimates", sb.call("GET", f"{api}/sales_estimates?items_per_page=2&attributes=all", auth))
    save("sage_json", "error_401", sb.call("GET", f"{api}/contacts", {"Authorization": "Bearer wrong"}))
    save("sage_json", "error_404", sb.call("GET", f"{api}/contacts/nope", auth))
    save("sage_json", "error_400", sb.call("GET", f"{api}/contacts?items_per_page=9999", auth))
    save("sage_json", "error_422", sb.call("POST", f"{api}/contacts", auth, body={"contact": {"name": ""}}))


def freeagent(sb):
    token = oauth_token(sb, "freeagent", "/freeagent/v2/token_endpoint", "freeagent-sandbox-refresh-token")
    auth = {"Authorization": f"Bearer {token}"}
    api = "/freeagent/v2"
    save("freeagent_json", "company", sb.call("GET", f"{api}/company", auth))
    save("freeagent_json", "contacts_page1", sb.call("GET", f"{api}/contacts?per_page=2&view=all", auth))
    save("freeagent_json", "contacts_page3", sb.call("GET", f"{api}/contacts?page=3&per_page=2&view=all", auth))
    status, body = sb.call("GET", f"{api}/contacts?per_page=1", auth)
    contact_url = json.loads(body)["contacts"][0]["url"]
    save("freeagent_json", "contact", sb.call("GET", urllib.parse.urlparse(contact_url).path, auth))
    save("freeagent_json", "invoices_page1", sb.call("GET", f"{api}/invoices?per_page=2", auth))
    save("freeagent_json", "invoices_page2", sb.call("GET", f"{api}/invoices?page=2&per_page=2", auth))
    save("freeagent_json", "estimates_page1", sb.call("GET", f"{api}/estimates?per_page=2&nested_estimate_items=true", auth))
    save("freeagent_json", "error_401", sb.call("GET", f"{api}/contacts", {"Authorization": "Bearer wrong"}))
    save("freeagent_json", "error_422", sb.call("POST", f"{api}/contacts", auth, body={"contact": {"first_name": "A"}}))


def freshbooks(sb):
    token = oauth_token(sb, "freshbooks", "/freshbooks/auth/oauth/token", "freshbooks-sandbox-refresh-token",
                        basic=False)
    auth = {"Authorization": f"Bearer {token}"}
    api = "/freshbooks/accounting/account/SBX001"
    save("freshbooks_json", "me", sb.call("GET", "/freshbooks/auth/api/v1/users/me", auth))
    save("freshbooks_json", "clients_page1", sb.call("GET", f"{api}/users/clients?per_page=2", auth))
    save("freshbooks_json", "clients_page9", sb.call("GET", f"{api}/users/clients?page=9&per_page=2", auth))
    status, body = sb.call("GET", f"{api}/users/clients?per_page=1", auth)
    client_id = json.loads(body)["response"]["result"]["clients"][0]["id"]
    save("freshbooks_json", "client", sb.call("GET", f"{api}/users/clients/{client_id}", auth))
    save("freshbooks_json", "invoices_page1", sb.call("GET", f"{api}/invoices/invoices?per_page=2", auth))
    save("freshbooks_json", "invoices_page2", sb.call("GET", f"{api}/invoices/invoices?page=2&per_page=2", auth))
    save("freshbooks_json", "error_401", sb.call("GET", f"{api}/users/clients", {"Authorization": "Bearer wrong"}))
    save("freshbooks_json", "error_404", sb.call("GET", f"{api}/users/clients/999999", auth))
    save("freshbooks_json", "error_400", sb.call("GET", f"{api}/users/clients?search[updated_min]=yesterday", auth))
    save("freshbooks_json", "error_422", sb.call("POST", f"{api}/users/clients", auth, body={"client": {"email": "x"}}))


def kashflow(sb):
    api = "/kashflow/v2"
    status, body = sb.call("POST", f"{api}/sessiontoken", body={"UserName": "sandbox", "Password": "sandbox-password"})
    save("kashflow_json", "login_challenge", (status, body))
    challenge = json.loads(body)
    word = "pineapple"
    letters = [{"Position": p["Position"], "Value": word[p["Position"] - 1]} for p in challenge["MemorableWordList"]]
    status, body = sb.call("PUT", f"{api}/sessiontoken",
                           body={"TemporaryToken": challenge["TemporaryToken"], "MemorableWordList": letters})
    save("kashflow_json", "login_session", (status, body))
    auth = {"Authorization": f"KfToken {json.loads(body)['SessionToken']}"}
    save("kashflow_json", "customers_page1", sb.call("GET", f"{api}/customers?perpage=2", auth))
    save("kashflow_json", "customers_page9", sb.call("GET", f"{api}/customers?page=9&perpage=2", auth))
    status, body = sb.call("GET", f"{api}/customers?perpage=1", auth)
    code = json.loads(body)["Data"][0]["Code"]
    save("kashflow_json", "customer", sb.call("GET", f"{api}/customers/{code}", auth))
    save("kashflow_json", "suppliers", sb.call("GET", f"{api}/suppliers?perpage=2", auth))
    status, body = sb.call("GET", f"{api}/suppliers?perpage=1", auth)
    data = json.loads(body)["Data"]
    if data:
        save("kashflow_json", "supplier", sb.call("GET", f"{api}/suppliers/{data[0]['Code']}", auth))
    save("kashflow_json", "invoices", sb.call("GET", f"{api}/invoices?perpage=2", auth))
    save("kashflow_json", "purchases", sb.call("GET", f"{api}/purchases?perpage=2", auth))
    save("kashflow_json", "quotes", sb.call("GET", f"{api}/quotes?perpage=2", auth))
    save("kashflow_json", "error_401_session", sb.call("GET", f"{api}/customers", {"Authorization": "KfToken wrong"}))
    save("kashflow_json", "error_404", sb.call("GET", f"{api}/customers/NOSUCH", auth))
    save("kashflow_json", "error_400_duplicate", sb.call("POST", f"{api}/customers", auth, body={"Code": code, "Name": "X"}))
    save("kashflow_json", "error_401_password",
         sb.call("POST", f"{api}/sessiontoken", body={"UserName": "sandbox", "Password": "wrong"}))


def main():
    binary = pathlib.Path(sys.argv[1]) / "test" / "sandbox" / "capsync-sandbox"
    with tempfile.TemporaryDirectory() as tmp:
        for provider, capture in [("xero", xero), ("sage", sage), ("freeagent", freeagent),
                                  ("freshbooks", freshbooks), ("kashflow", kashflow)]:
            sb = Sandbox(str(binary), provider, pathlib.Path(tmp))
            try:
                if provider == "xero":
                    capsule(sb)
                capture(sb)
            finally:
                sb.close()


if __name__ == "__main__":
    main()
