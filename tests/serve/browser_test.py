#!/usr/bin/env python3
"""serve/browser: fundflow's pages in headless Chromium (Selenium 4). Run by browser.sh:
    python3 browser_test.py URL ARTEFACT_DIR SCRATCH_DIR
Prints 'FAIL: ...' and exits 1 on the first check that does not hold."""
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

URL, ARTEFACTS, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]
XSS = "<img src=x onerror=window.__xss=1>"


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1600", "--lang=zh-CN",
                "--user-data-dir=" + tempfile.mkdtemp(prefix="chromium-", dir=SCRATCH)):
        options.add_argument(arg)
    # A Chinese user's browser (headless Chromium otherwise asks for en-US, which the pages honour).
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def shot(driver, name):
    # The whole page: grow the window to the document's height first.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 40, 6000)))
    driver.save_screenshot(os.path.join(ARTEFACTS, name + ".png"))
    driver.set_window_size(1280, 1600)


def api(method, path, token=None, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(URL + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def login(driver, user, next_path="/projects", lang=""):
    driver.get(URL + "/login?next=" + next_path + lang)
    form = driver.find_element(By.ID, "login-form")
    form.find_element(By.NAME, "user").send_keys(user)
    form.find_element(By.NAME, "password").send_keys("password1")
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 15).until(lambda d: "/login" not in d.current_url)


def executed_figure(driver):
    # The 执行数 row of the 预算执行情况 form as the CLI prints it: the line's first figure (the total).
    text = driver.find_element(By.ID, "execution-form").text
    for line in text.splitlines():
        if "全年执行" in line or "执行数" in line:
            return line
    fail("no 执行 line in the execution form:\n" + text)


def xss_undefined(driver):
    return driver.execute_script("return typeof window.__xss") == "undefined"


def main():
    os.makedirs(ARTEFACTS, exist_ok=True)
    project = "/projects/P001/2020"

    # 1. An unauthenticated visitor is sent to the login page; the login page is Chinese by default.
    acc = browser()
    try:
        acc.get(URL + project)
        check("/login" in acc.current_url, "an unauthenticated visit to a page did not go to /login: " + acc.current_url)
        check("登录" in acc.page_source, "the login page is not Chinese by default")
        shot(acc, "login")
        # A wrong password: the rule's message shows inline.
        acc.find_element(By.NAME, "user").send_keys("acc1")
        acc.find_element(By.NAME, "password").send_keys("wrong-password")
        acc.find_element(By.ID, "login-submit").click()
        WebDriverWait(acc, 10).until(lambda d: d.find_element(By.ID, "login-error").text.strip() != "")
        check("/login" in acc.current_url, "a wrong password logged in")

        # 2. The accountant logs in through the form and lands on the page asked for.
        login(acc, "acc1", project)
        check(acc.current_url.endswith(project), "login did not go on to next: " + acc.current_url)
        WebDriverWait(acc, 10).until(EC.presence_of_element_located((By.ID, "execution-form")))
        before = executed_figure(acc)
        form_before = acc.find_element(By.ID, "execution-form").text
        check("预算执行情况" in acc.page_source, "the project-year page has no 预算执行情况")
        check(acc.find_elements(By.ID, "post-form"), "the accountant sees no posting form")
        check(acc.execute_script("return !!window.Chart && !!window.Chart.getChart('chart')"),
              "the Chart.js chart was not drawn")

        # A refused posting shows the rule's message inline (a payment larger than the money arrived).
        form = acc.find_element(By.ID, "post-form")
        Select(form.find_element(By.NAME, "kind")).select_by_value("payment")
        Select(form.find_element(By.NAME, "level")).select_by_value("provincial")
        form.find_element(By.NAME, "amount").send_keys("999,999,999.00")
        acc.execute_script("document.querySelector('#post-form [name=date]').value = '2020-12-10'")
        form.find_element(By.NAME, "memo").send_keys("too much")
        acc.find_element(By.ID, "post-submit").click()
        WebDriverWait(acc, 10).until(lambda d: d.find_element(By.ID, "post-result").text.strip() != "")
        refusal = acc.find_element(By.ID, "post-result").text
        check(acc.find_element(By.ID, "post-result").get_attribute("class") == "error",
              "a refused posting was not shown as an error: " + refusal)
        check(acc.find_element(By.ID, "execution-form").text == form_before, "a refused posting changed the form")
        shot(acc, "project-year-refused")

        # 3. A payment through the form changes the form's 执行数.
        form = acc.find_element(By.ID, "post-form")
        form.find_element(By.NAME, "amount").clear()
        form.find_element(By.NAME, "amount").send_keys("20,000.00")
        form.find_element(By.NAME, "memo").clear()
        form.find_element(By.NAME, "memo").send_keys("浏览器测试付款")
        form.find_element(By.NAME, "ref").send_keys("付-web-001")
        acc.find_element(By.ID, "post-submit").click()
        WebDriverWait(acc, 15).until(lambda d: executed_figure(d) != before)
        after = executed_figure(acc)
        check("1,216,525" in acc.find_element(By.ID, "execution-form").text or "121.65" in after or after != before,
              "the 执行数 did not change: %r → %r" % (before, after))
        check("浏览器测试付款" in acc.find_element(By.ID, "entries").text, "the new payment is not among the entries")
        shot(acc, "project-year")

        # 4. A hostile memo posted through the API shows as text and runs nothing.
        status, body = api("POST", "/api/v1/session", body={"user": "acc1", "password": "password1"})
        check(status == 200, "API login as acc1: %s %s" % (status, body))
        token = json.loads(body)["token"]
        status, body = api("POST", "/api/v1/entries", token,
                           {"kind": "payment", "project": "P001", "level": "provincial", "amount": "1.00",
                            "date": "2020-12-11", "ref": "付-xss", "memo": XSS})
        check(status == 201, "posting the hostile memo: %s %s" % (status, body))
        xss_id = json.loads(body)["entry"]["id"]
        acc.get(URL + project)
        check(XSS in acc.find_element(By.ID, "entries").text, "the memo is not shown as text on the project page")
        check(not acc.find_elements(By.CSS_SELECTOR, "#entries img"), "the memo became an <img> on the project page")
        time.sleep(0.5)
        check(xss_undefined(acc), "the memo's script ran on the project page")
        acc.get(URL + "/entries/%s" % xss_id)
        check(acc.find_element(By.ID, "memo").text == XSS, "the memo is not shown as text on the entry page")
        check(not acc.find_elements(By.CSS_SELECTOR, "main img"), "the memo became an <img> on the entry page")
        time.sleep(0.5)
        check(xss_undefined(acc), "the memo's script ran on the entry page")
        page = acc.find_element(By.ID, "entry").text
        check("哈希" in page and "前一哈希" in page, "the entry page shows no hash and prev_hash")
        shot(acc, "entry")

        # Filters and paging: one entry per page, the next page, a kind filter.
        acc.get(URL + project + "?limit=2")
        rows = acc.find_elements(By.CSS_SELECTOR, "#entries tr")
        check(len(rows) == 3, "limit=2 shows %d rows" % (len(rows) - 1))
        acc.find_element(By.ID, "next-page").click()
        check("after_id=" in acc.current_url, "the next page link has no after_id")
        acc.get(URL + project + "?kind=arrival")
        kinds = [r.find_elements(By.TAG_NAME, "td")[2].text for r in acc.find_elements(By.CSS_SELECTOR, "#entries tr")[1:]]
        check(kinds and all(k == "资金到位" for k in kinds), "kind=arrival shows %r" % kinds)

        # The indicator upload → the scored 绩效自评表.
        sheet = os.path.join(SCRATCH, "indicators.csv")
        if os.path.exists(sheet):
            acc.get(URL + project)
            acc.find_element(By.CSS_SELECTOR, "#eval-form input[type=file]").send_keys(sheet)
            acc.find_element(By.ID, "eval-submit").click()
            WebDriverWait(acc, 15).until(lambda d: d.find_element(By.ID, "eval-result").text.strip() != "")
            result = acc.find_element(By.ID, "eval-result").text
            check("绩效" in result or "总分" in result, "the scored sheet is not shown: " + result[:300])
            check(acc.find_element(By.ID, "eval-downloads").is_displayed(), "no downloads after scoring")
            acc.execute_script("document.getElementById('eval-result').scrollIntoView()")
            shot(acc, "evaluation")

        for name, path in (("projects", "/projects"), ("warranty", "/warranty")):
            acc.get(URL + path)
            shot(acc, name)
        check(acc.find_elements(By.CSS_SELECTOR, "#warranty tr.overdue"), "no overdue (red) row on /warranty")
        color = acc.execute_script(
            "return getComputedStyle(document.querySelector('#warranty tr.overdue td')).color")
        check(color.replace(" ", "") in ("rgb(170,17,17)",), "the overdue row is not red: " + color)
        acc.get(URL + "/projects")
        check(acc.find_elements(By.CSS_SELECTOR, "#projects meter"), "no bars on /projects")

        # An accountant is refused the audit page.
        acc.get(URL + "/audit")
        check("403" in acc.find_element(By.TAG_NAME, "main").text, "an accountant was shown /audit")

        # ?lang=en: English, and the switch back to Chinese.
        acc.get(URL + project + "?lang=en")
        check("Budget execution" in acc.page_source and "Post an entry" in acc.page_source,
              "?lang=en is not English")
        check(acc.find_element(By.ID, "lang-switch").text == "中文", "no switch back to Chinese")
        shot(acc, "project-year-en")
        acc.find_element(By.ID, "lang-switch").click()
        check("预算执行情况" in acc.page_source, "the switch did not go back to Chinese")
    finally:
        acc.quit()

    # 5. The auditor: no posting controls, the audit page, and a direct POST is refused 403.
    aud = browser()
    try:
        login(aud, "audi", project)
        check(not aud.find_elements(By.ID, "post-form"), "the auditor sees the posting form")
        check(not aud.find_elements(By.ID, "post-submit"), "the auditor sees a posting button")
        shot(aud, "project-year-auditor")
        cookie = aud.get_cookie("fundflow_session")
        check(cookie is not None and cookie.get("httpOnly"), "no HttpOnly session cookie after the form login")
        status, body = api("GET", "/api/v1/session", headers={"Cookie": "fundflow_session=" + cookie["value"]})
        check(status == 200, "GET /api/v1/session with the auditor's cookie: %s" % status)
        csrf = json.loads(body)["csrf"]
        row = {"kind": "payment", "project": "P001", "level": "provincial", "amount": "1.00", "date": "2020-12-12"}
        status, body = api("POST", "/api/v1/entries", body=row,
                           headers={"Cookie": "fundflow_session=" + cookie["value"], "X-CSRF-Token": csrf})
        check(status == 403, "an auditor's cookie POST /api/v1/entries got %s %s" % (status, body))
        status, body = api("POST", "/api/v1/entries", cookie["value"], row)
        check(status == 403, "an auditor's token POST /api/v1/entries got %s %s" % (status, body))
        # The same from the page itself (fetch with the cookie and the CSRF header).
        got = aud.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/api/v1/session').then(r => r.json()).then(s => fetch('/api/v1/entries', {method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf},
                body: JSON.stringify(arguments[0])})).then(r => done(r.status)).catch(e => done(String(e)));""", row)
        check(got == 403, "the auditor's fetch POST from the page got %r" % got)
        aud.get(URL + "/audit?posted_by=acc1")
        check(aud.find_elements(By.ID, "verify") and aud.find_elements(By.ID, "user-log"), "the audit page is incomplete")
        check("浏览器测试付款" in aud.find_element(By.ID, "user-log").text, "the log by user lacks acc1's payment")
        shot(aud, "audit")
    finally:
        aud.quit()
    print("browser checks passed; screenshots in " + ARTEFACTS)


main()
