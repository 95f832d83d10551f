"""The web page of `parley serve`, driven for real in headless Chromium (selenium with Debian's
chromium-driver): sign in with an editor's token, change the as-of day and see a track's status
change, open an event and see its quote marked in its article, review a draft and see it
counted. Screenshots go to --shots.

    python3 .ci/browser-check.py --url http://127.0.0.1:PORT --token TOKEN --shots DIR

The server must hold the test fixture corpus and one article with drafts (.ci/server-check
makes it). Exits non-zero naming the first step that failed.
"""

import argparse
import json
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait


def fail(step, detail=""):
    print(f"browser-check: FAILED: {step}{': ' + detail if detail else ''}", file=sys.stderr)
    sys.exit(1)


def api(url, path, token):
    request = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--shots", required=True)
    parser.add_argument("--driver", default="/usr/bin/chromedriver")
    parser.add_argument("--browser", default="/usr/bin/chromium")
    args = parser.parse_args()

    options = Options()
    options.binary_location = args.browser
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(args.driver), options=options)
    # The page redraws its table and lists after each answer: an element read mid-redraw is
    # looked up again.
    wait = WebDriverWait(driver, 20, ignored_exceptions=[StaleElementReferenceException])
    try:
        run(driver, wait, args)
    finally:
        driver.quit()


def set_date(driver, element_id, day):
    # A date input's typed form depends on the browser's locale; its value does not.
    driver.execute_script(
        "var e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));",
        element_id, day)


def status_of(driver, track):
    return driver.find_element(By.ID, "track-" + track).get_attribute("data-status")


def run(driver, wait, args):
    driver.get(args.url + "/")
    wait.until(seen.element_to_be_clickable((By.ID, "sign-in")))

    # Reading needs a token: the page says so, then takes one, typed as a person would.
    driver.find_element(By.ID, "sign-in").click()
    token = wait.until(seen.visibility_of_element_located((By.ID, "token")))
    token.send_keys(args.token)
    driver.find_element(By.ID, "token-save").click()
    wait.until(lambda d: "signed in as" in d.find_element(By.ID, "who").text)

    # The as-of day changes the answer: the 30-day truce on 12 March, then on 14 March.
    set_date(driver, "as-of", "2025-03-12")
    driver.find_element(By.ID, "show-state").click()
    wait.until(lambda d: d.find_elements(By.ID, "track-truce-30-day"))
    wait.until(lambda d: status_of(d, "truce-30-day") == api(args.url, "/v1/state?as_of=2025-03-12&track=truce-30-day", args.token)["tracks"][0]["status"])
    before = status_of(driver, "truce-30-day")
    set_date(driver, "as-of", "2025-03-14")
    driver.find_element(By.ID, "show-state").click()
    try:
        wait.until(lambda d: status_of(d, "truce-30-day") != before)
    except Exception:
        fail("changing the as-of day from 12 to 14 March changed no status", before)
    after = status_of(driver, "truce-30-day")
    expected = api(args.url, "/v1/state?as_of=2025-03-14&track=truce-30-day", args.token)["tracks"][0]["status"]
    if after != expected:
        fail("the page's status is not the API's", f"{after} != {expected}")
    driver.save_screenshot(f"{args.shots}/server-state.png")
    print(f"browser-check: truce-30-day {before} on 12 March, {after} on 14 March", file=sys.stderr)

    # An event, with its quote marked in its article's text.
    driver.find_element(By.CSS_SELECTOR, "#track-truce-30-day button").click()
    first = wait.until(seen.element_to_be_clickable((By.CSS_SELECTOR, "#track-events button")))
    event_id = first.get_attribute("data-event")
    first.click()
    mark = wait.until(seen.visibility_of_element_located((By.CSS_SELECTOR, "#event-sources mark")))
    quote = api(args.url, "/v1/events/" + event_id, args.token)["sources"][0]["quote"]
    if mark.text.strip() != quote.strip():
        fail("the marked words are not the event's quote", f"{mark.text!r} != {quote!r}")
    driver.save_screenshot(f"{args.shots}/server-event.png")
    print(f"browser-check: {event_id}: its quote is marked in its article", file=sys.stderr)

    # The review queue: accept a draft, and the queue counts one fewer; the log one more.
    count = wait.until(seen.visibility_of_element_located((By.ID, "review-count")))
    waiting = int(count.text)
    if waiting < 1:
        fail("the review queue is empty; .ci/server-check adds an article with drafts first")
    head_before = api(args.url, "/v1/head", args.token)["head"]["sequence"]
    driver.find_element(By.CSS_SELECTOR, "#review-queue button").click()
    accept = wait.until(seen.element_to_be_clickable((By.CSS_SELECTOR, "#review-drafts .draft button[data-action='accept']")))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", accept)
    accept.click()
    try:
        wait.until(lambda d: int(d.find_element(By.ID, "review-count").text) == waiting - 1)
    except Exception:
        fail("accepting a draft did not count it", f"{waiting} waiting before, {driver.find_element(By.ID, 'review-count').text} after; "
             f"message: {driver.find_element(By.ID, 'message').text}")
    head_after = api(args.url, "/v1/head", args.token)["head"]["sequence"]
    if head_after != head_before + 1:
        fail("the accepted draft was not appended once", f"head {head_before} → {head_after}")
    driver.execute_script("document.getElementById('review-section').scrollIntoView({block: 'start'});")
    driver.save_screenshot(f"{args.shots}/server-review.png")
    print(f"browser-check: a draft accepted: {waiting} → {waiting - 1} waiting, the log {head_before} → {head_after}", file=sys.stderr)

    # Readable on a phone: the same page at a phone's width, without sideways scrolling.
    driver.set_window_size(390, 844)
    driver.execute_script("window.scrollTo(0, 0)")
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        wide = driver.execute_script(
            "var w = document.documentElement.clientWidth, out = [];"
            "document.querySelectorAll('body *').forEach(function (e) { var r = e.getBoundingClientRect();"
            " if (r.right > w + 0.5 && e.offsetParent !== null && !e.closest('.scroll')) { out.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(r.right)); } });"
            "return out.slice(0, 8);")
        fail("the page scrolls sideways on a phone", f"{overflow} pixels: {wide}")
    driver.save_screenshot(f"{args.shots}/server-phone.png")

    # French.
    driver.find_element(By.ID, "language").send_keys("Français")
    wait.until(lambda d: d.find_element(By.ID, "state-title").text == "Les volets")


if __name__ == "__main__":
    main()
