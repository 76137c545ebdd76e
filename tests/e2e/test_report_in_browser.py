"""The HTML decision report in a real headless browser (Chromium through
Selenium and chromedriver): nothing from a plan runs, loads or escapes its
text, long values wrap inside the page, and the page renders (screenshot).

Skipped where the browser is not installed: Debian `chromium` and
`chromium-driver` (apt-get), and the `selenium` package (the `browser` extra).
"""

import json
import shutil

import pytest

from conftest import EXAMPLES

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[browser]')")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                reason="no headless browser (apt-get install chromium chromium-driver)")

SCRIPT = "<script>document.title='pwned';window.pwned=1</script>"
IMAGE = "<img src=x onerror=\"window.pwned=2\">"
LONG = "L" * 20_000
HOSTILE_PLAN = f"""\
aiplan: 1
name: {json.dumps(SCRIPT + IMAGE + ' <a href="https://evil.example/">click</a>')}
owner: {json.dumps('</code></p><iframe src="https://evil.example/"></iframe>')}
status: {json.dumps('<style>body{{display:none}}</style>' + LONG)}
gaps:
  knowledge: {{present: true, evidence: {json.dumps(LONG + ' <svg onload="window.pwned=3"></svg>')}}}
  behavior: {{present: false}}
  accuracy: {{present: false}}
baseline:
  prompt_engineering:
    status: done
    results:
      - {{metric: {json.dumps('<b>acc</b>' + 'm' * 300)}, value: 0.7, eval_set: evals/a.jsonl}}
approach: rag
evaluation:
  metrics:
    - {{name: {json.dumps('<b>acc</b>' + 'm' * 300)}, target: 0.9}}
  eval_sets:
    - {{path: evals/a.jsonl, size: 50}}
"""


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1000,900", "--disable-extensions", "--no-first-run"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def page(cli, tmp_path):
    plan = tmp_path / "evil.aiplan.yaml"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    report = tmp_path / "report.html"
    result = cli("report", "--format", "html", "--output-file", report, plan,
                 EXAMPLES / "support-copilot.aiplan.yaml", EXAMPLES / "claims-summarizer.aiplan.yaml")
    assert result.exit_code == 0, result.output
    return report


def test_hostile_plan_content_is_text_in_the_browser(browser, page, tmp_path):
    browser.get(page.as_uri())
    # nothing from the plan ran
    assert browser.title == "aiplan decision report"
    assert browser.execute_script("return window.pwned === undefined")
    counts = browser.execute_script("""
        return {scripts: document.scripts.length, images: document.images.length,
                iframes: document.querySelectorAll('iframe').length,
                styles: document.querySelectorAll('style').length,
                external: [...document.querySelectorAll('[href],[src]')]
                    .map(e => e.getAttribute('href') || e.getAttribute('src'))
                    .filter(v => !v.startsWith('#')).length,
                handlers: [...document.querySelectorAll('*')]
                    .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
                svgs: document.querySelectorAll('svg.chart').length,
                sections: document.querySelectorAll('section.plan').length,
                portfolio: document.querySelectorAll('table.portfolio tr').length};""")
    assert counts == {"scripts": 0, "images": 0, "iframes": 0, "styles": 1, "external": 0, "handlers": 0,
                      "svgs": 3, "sections": 3, "portfolio": 4}
    # the plan's markup is on the page as text, where it was written
    body = browser.find_element("tag name", "body").text
    assert SCRIPT in body and "<iframe" in body
    # long values wrap inside the page: nothing is wider than the window
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    # the Content-Security-Policy the page declares is the one in force
    csp = browser.execute_script(
        "return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content")
    assert "default-src 'none'" in csp
    screenshot = tmp_path / "report.png"
    assert browser.save_screenshot(str(screenshot))
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000


def test_charts_show_baseline_and_target_on_one_scale(browser, page):
    browser.get(page.as_uri())
    bars = browser.execute_script("""
        return [...document.querySelectorAll('svg.chart')].map(svg => ({
            label: svg.getAttribute('aria-label'),
            baseline: svg.querySelector('rect.baseline').getBBox().width,
            target: svg.querySelector('rect.target').getBBox().x,
            width: svg.getBBox().width}));""")
    copilot = next(bar for bar in bars if bar["label"].startswith("answer_accuracy"))
    # 0.71 against 0.9 on a 0-1 scale, 160 pixels wide
    assert copilot["baseline"] == pytest.approx(0.71 * 160, abs=1)
    assert copilot["target"] == pytest.approx(0.9 * 160 - 1, abs=1)
    assert all(bar["baseline"] <= bar["width"] for bar in bars)
