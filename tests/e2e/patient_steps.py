"""What a patient does on each screen, with touch, in Chromium (shared by the patient e2e tests)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect
from teach_back_steps import TeachBackSteps

from language.i18n import t

expect.set_options(timeout=20_000)  # a script run on a busy CI machine can take seconds
# A fresh server's first page also loads the packs and the catalogs: on a loaded machine that
# took over 20 s (the first screen of a test, never a later one, timed out).
FIRST_PAGE_MS = 60_000

ROOT = Path(__file__).resolve().parents[2]
DOCS_SHOTS = ROOT / "docs" / "screenshots"
# Read at import: the autouse settings fixture drops CONSENT_* variables before each test.
SAVE_TO_DOCS = os.environ.get("CONSENT_SCREENSHOTS") == "1"  # refresh the README's pictures


def small_png(source: Path, target: Path) -> None:
    """A README-sized copy: 256-colour palette, optimised (about a third of the bytes)."""
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=256).save(target, optimize=True)


SCROLLED = (
    "Math.max(window.scrollY, ...[...document.querySelectorAll("
    "'[data-testid=stMain], [data-testid=stAppViewContainer]')].map(e => e.scrollTop))"
)


# Every visible text on the page (open shadow roots too: the signature pad), with its font size
# and whatever would stop a patient reading it whole: scrolled or clipped by an ancestor, cut
# with an ellipsis, a word broken over two lines, or sticking out of its column, card or form.
TEXTS_JS = """
() => {
  const items = [], measure = {};
  const BOXES = ['stColumn', 'stVerticalBlockBorderWrapper', 'stForm', 'stMainBlockContainer'];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) visit(el.shadowRoot);
      if (el.closest('style,script,noscript,title,[data-live-announcer]')) continue;
      // A folded expander's content is not on screen (Chromium keeps its old layout boxes).
      if (el.closest('details:not([open])') && !el.closest('summary')) continue;
      let text = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim())
        .map((n) => n.textContent.trim()).join(' ');
      if (!text && el.tagName === 'INPUT' && ['text', ''].includes(el.type || ''))
        text = 'input:' + (el.value || el.placeholder);
      if (!text || text === 'input:') continue;
      const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
      if (r.width < 2 || r.height < 2 || cs.visibility === 'hidden') continue;
      const problems = [];
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
        problems.push(`scrolls ${el.scrollWidth}>${el.clientWidth}`);
      if (el.tagName === 'INPUT') {  // an input's value or placeholder does not show in scrollWidth
        const pen = (measure.ctx ||= document.createElement('canvas').getContext('2d'));
        pen.font = cs.font;
        const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        const need = pen.measureText(text.slice('input:'.length)).width;
        if (need > room + 1) problems.push(`cut: needs ${Math.round(need)} px, has ${Math.round(room)}`);
      }
      for (let a = el.parentElement; a; a = a.parentElement) {
        const as = getComputedStyle(a), ar = a.getBoundingClientRect();
        const out = r.right > ar.right + 1 || r.left < ar.left - 1;
        if (out && (as.overflowX !== 'visible' || BOXES.includes(a.dataset.testid)))
          { problems.push('outside ' + (a.dataset.testid || a.tagName)); break; }
        if (as.textOverflow === 'ellipsis' && a.scrollWidth > a.clientWidth)
          { problems.push('ellipsis'); break; }
      }
      if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth) problems.push('ellipsis');
      for (const n of el.childNodes) {
        if (n.nodeType !== 3) continue;
        // A line may break after a hyphen or a slash ("life-threatening"), never inside a word.
        for (const m of n.textContent.matchAll(/[^\\s\\-\\u2010\\u2013\\u2014/]+/g)) {
          const range = document.createRange();
          range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((q) => q.width > 0)
            .map((q) => Math.round(q.top)));
          if (lines.size > 1) problems.push('word broken: ' + m[0]);
        }
      }
      items.push({ key: el.tagName + '|' + text.slice(0, 80), size: parseFloat(cs.fontSize),
        problems, lines: Math.round(r.height / (parseFloat(cs.lineHeight) || 1.5 * parseFloat(cs.fontSize))) });
    }
  };
  visit(document);
  const main = document.querySelector('[data-testid=stMain]');
  return { items, pageWidth: document.documentElement.scrollWidth,
    mainOverflow: main ? main.scrollWidth - main.clientWidth : 0,
    root: parseFloat(getComputedStyle(document.documentElement).fontSize) };
}
"""

# Every text node and every aria-label, title, placeholder and alt a patient could see or hear
# (hidden live regions included: a screen reader reads them), and the page title.
WORDS_JS = """
() => {
  const out = [];
  const visit = (root) => {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.nodeType === 3) {
        if (!n.parentElement || n.parentElement.closest('script,style,noscript')) continue;
        if (n.textContent.trim()) out.push(n.textContent.trim());
        continue;
      }
      if (n.shadowRoot) visit(n.shadowRoot);
      for (const a of ['aria-label', 'aria-description', 'aria-roledescription', 'title',
                       'placeholder', 'alt']) {
        const v = n.getAttribute(a);
        if (v && v.trim()) out.push(`${a}=${v.trim()}`);
      }
    }
  };
  visit(document.body);
  out.push('title=' + document.title);
  return out;
}
"""


SETTLED_JS = """
() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-stale=true]') || document.fonts.status !== 'loaded') return false;
  // A component (the pads are the only ones) is drawn once its root holds its HTML and a pad's
  // script has put the words on its Clear button.
  return [...document.querySelectorAll('[data-testid^=stBidiComponent]')].every((host) => {
    const root = host.shadowRoot || host;
    return root.querySelector('*') && [...root.querySelectorAll('.pad')].every((pad) => {
      const clear = pad.querySelector('.clear'), canvas = pad.querySelector('canvas');
      return clear && canvas && clear.textContent.trim()
        && clear.getBoundingClientRect().height > 0 && canvas.getBoundingClientRect().height > 0;
    });
  });
}
"""


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations as axe_playwright_python's ``Axe().run`` finds them, its 0.5 MB
    script put in once a document (0.15-0.35 s before every run; a new screen keeps it)."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe?.run === 'function'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate("() => axe.run({resultTypes: ['violations']})")["violations"]


class Patient(TeachBackSteps):
    """Drives the kiosk the way a patient would: taps, typing, a finger on the pad."""

    def __init__(
        self, page: Page, base_url: str, shots: Path, lang: str = "en", *, axe: bool = False
    ) -> None:
        self.page, self.base_url, self.shots, self.lang = page, base_url, shots, lang
        # axe-core costs about half a second a screen: run it where a test asserts its findings.
        self.check_axe = axe
        self.shots.mkdir(parents=True, exist_ok=True)
        self.seen: list[str] = []
        self.axe_findings: dict[str, list[str]] = {}  # screen -> serious or critical axe findings
        # Called with the screen's name on every screen, before its axe run and screenshot.
        self.on_screen: Callable[[str], None] | None = None

    def tr(self, key: str, **values: object) -> str:
        return t(self.lang, key, **values)

    # --- looking -------------------------------------------------------------------------
    def settle(self) -> None:
        """Wait for what a patient waits for: Streamlit has finished the run, nothing is stale,
        the fonts are loaded, and every signature pad on the screen is drawn (its canvas and its
        Clear button with words on it: the pad fills its shadow root after the run ends)."""
        self.page.wait_for_function(SETTLED_JS, timeout=20_000)

    def axe(self, name: str) -> None:
        """axe-core on this screen; serious and critical findings are kept for the test to assert."""
        bad = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}"
            for v in axe_violations(self.page)
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            self.axe_findings[name] = bad

    def shot(self, name: str) -> None:
        self.settle()
        self.page.evaluate(
            "() => { for (const el of document.querySelectorAll("
            "'[data-testid=stMain], [data-testid=stAppViewContainer]')) el.scrollTop = 0;"
            " window.scrollTo(0, 0); }"
        )
        if self.on_screen:
            self.on_screen(name)
        if self.check_axe:
            self.axe(name)
        self.seen.append(name)
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), scale="css")
        if SAVE_TO_DOCS:
            small_png(path, DOCS_SHOTS / f"{name}.png")

    def step_number(self) -> int:
        text = self.page.get_by_text(
            re.compile(self.tr("patient.progress", n=r"(\d+)", total=r"\d+"))
        ).first
        expect(text).to_be_visible()
        match = re.search(r"(\d+)", text.inner_text())
        assert match
        return int(match.group(1))

    def expect_step(self, n: int) -> None:
        progress = re.compile(self.tr("patient.progress", n=n, total=r"\d+"))
        expect(self.page.get_by_text(progress).first).to_be_visible()

    def texts(self) -> dict:
        """TEXTS_JS on this screen: each visible text's font size and what spoils it."""
        return self.page.evaluate(TEXTS_JS)

    def words(self) -> list[str]:
        """WORDS_JS on this screen: every text and label a patient could see or hear."""
        return self.page.evaluate(WORDS_JS)

    # --- doing ---------------------------------------------------------------------------
    def large_text(self, on: bool) -> None:
        """Turn the large-text switch on or off, and wait until the page's root font follows."""
        switch = self.page.get_by_role("switch", name=self.tr("patient.large_text"))
        if switch.is_checked() == on:
            return
        root = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
        before = float(self.page.evaluate(root))
        self.page.get_by_text(self.tr("patient.large_text"), exact=True).first.tap()
        self.page.wait_for_function(f"() => {root} {'>' if on else '<'} {before}")
        self.settle()
        expect(switch).to_have_count(1)  # the header is redrawn in its other layout
        expect(switch).to_be_checked(checked=on)

    def tap_button(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).first.tap()

    def tap_text(self, text: str, within=None) -> None:  # type: ignore[no-untyped-def]
        scope = within or self.page
        scope.get_by_text(text, exact=True).first.tap()

    def next(self, key: str = "patient.next") -> None:
        before = self.step_number()
        self.tap_button(self.tr(key))
        self.expect_step(before + 1)
        self.settle()
        self.expect_step(before + 1)
        # A new screen opens at its top, not where the finger left the last one.
        self.page.wait_for_function(f"() => ({SCROLLED}) === 0")

    def choose(self, label: str, option: str) -> None:
        box = self.page.get_by_label(label, exact=True)
        box.tap()
        self.page.keyboard.type(option)
        self.page.get_by_role("option", name=option, exact=True).first.tap()

    def start(self, language_name: str) -> None:
        self.page.goto(self.base_url)
        first = self.page.get_by_role("button", name=language_name, exact=True)
        first.wait_for(timeout=FIRST_PAGE_MS)
        self.shot(f"patient-01-language-{self.lang}")
        self.tap_button(language_name)
        self.page.get_by_role("heading", name=self.tr("patient.details.title")).wait_for()

    def details(self, name: str, year: int, month: int, day: int, site: str = "left_leg") -> None:
        self.page.get_by_label(self.tr("patient.details.name"), exact=True).fill(name)
        self.choose(self.tr("patient.details.month"), self.tr(f"patient.month.{month}"))
        self.choose(self.tr("patient.details.day"), str(day))
        self.choose(self.tr("patient.details.year"), str(year))
        self.tap_text(self.tr(f"patient.site.{site}"))
        self.tap_text(self.tr("patient.details.confirm"))
        self.shot(f"patient-02-details-{self.lang}")
        self.next()

    def screening(self, answer: str = "no") -> int:
        n = 0
        while self.page.get_by_text(self.tr("patient.screening.reassure")).count():
            groups = self.page.get_by_test_id("stRadio").all()
            for group in groups:
                group.get_by_text(self.tr(f"patient.answer.{answer}"), exact=True).tap()
            n += 1
            if n == 1:
                self.shot(f"patient-03-screening-{self.lang}")
            self.next()
        return n

    def sections(self) -> int:
        n = 0
        while self.page.get_by_text(self.tr("patient.section.understand"), exact=True).count():
            for box in self.page.get_by_text(
                self.tr("patient.section.understand"), exact=True
            ).all():
                box.tap()
            n += 1
            self.shot(f"patient-04-section-{n}-{self.lang}")
            self.next()
        return n

    def photos(self, yes: bool) -> None:
        if self.on_teach_back():  # the checks of understanding come first: answered right
            self.teach_back()
        self.tap_text(self.tr("patient.photos.yes" if yes else "patient.photos.no"))
        self.shot(f"patient-05-photos-{self.lang}")
        self.next()

    def interpreter(
        self, name: str | None = None, language: str = "", mode: str = "in_person"
    ) -> None:
        group = self.page.get_by_test_id("stRadio").filter(
            has_text=self.tr("patient.interpreter.question")
        )
        if name is None:
            self.tap_text(self.tr("patient.interpreter.no"), within=group)
        else:
            self.tap_text(self.tr("patient.interpreter.yes"), within=group)
            self.page.get_by_label(self.tr("patient.interpreter.name"), exact=True).fill(name)
            self.page.get_by_label(self.tr("patient.interpreter.language"), exact=True).fill(
                language
            )
            self.tap_text(self.tr(f"patient.interpreter.mode.{mode}"))
        self.shot(f"patient-06-interpreter-{self.lang}")
        self.next()

    def review(self, certification: str) -> None:
        self.page.get_by_role("heading", name=self.tr("patient.review.title")).wait_for()
        self.shot(f"patient-07-review-{self.lang}")
        self.tap_text(certification)
        self.next("patient.review.to_sign")
        self.page.get_by_role("heading", name=self.tr("patient.sign.title")).wait_for()
        self.expect_pad()

    def expect_pad(self) -> None:
        """The sign screen is there for a patient once its pad is: the Clear button shows."""
        clear = self.page.get_by_role("button", name=self.tr("patient.sign.clear"), exact=True)
        expect(clear.first).to_be_visible()
        self.settle()

    # --- signing -------------------------------------------------------------------------
    def draw(self, index: int = 0, *, shape: str = "signature") -> int:
        """Sign with a finger: real touch events through the DevTools protocol.

        Returns how many canvas pixels now hold ink (read back from the canvas itself).
        """
        canvas = self.page.locator("canvas").nth(index)
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert box, "the signature pad is not on the screen"
        cdp = self.page.context.new_cdp_session(self.page)
        x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
        if shape == "signature":
            strokes = [
                [
                    (x0 + w * (0.08 + 0.4 * i / 40), y0 + h * (0.5 + 0.25 * math.sin(i / 4)))
                    for i in range(41)
                ],
                [
                    (x0 + w * (0.5 + 0.4 * i / 40), y0 + h * (0.45 + 0.2 * math.cos(i / 3)))
                    for i in range(41)
                ],
            ]
        elif shape == "dot":
            strokes = [[(x0 + w / 2, y0 + h / 2), (x0 + w / 2 + 1, y0 + h / 2 + 1)]]
        else:  # a straight line
            strokes = [[(x0 + w * (0.1 + 0.8 * i / 20), y0 + h / 2) for i in range(21)]]
        for stroke in strokes:
            (sx, sy), rest = stroke[0], stroke[1:]
            cdp.send(
                "Input.dispatchTouchEvent",
                {"type": "touchStart", "touchPoints": [{"x": sx, "y": sy}]},
            )
            for x, y in rest:
                cdp.send(
                    "Input.dispatchTouchEvent",
                    {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]},
                )
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        cdp.detach()
        return canvas.evaluate(
            "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"
        )

    def sign(self, typed_name: str, *, decline: bool = False, shot: bool = True) -> None:
        self.page.get_by_label(self.tr("patient.sign.typed_name"), exact=True).fill(typed_name)
        if shot:
            self.shot(f"patient-08-{'decline' if decline else 'sign'}-{self.lang}")
        self.tap_button(self.tr("patient.decline.sign" if decline else "patient.sign.button"))
