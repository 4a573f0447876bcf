"""The built site has what each lesson promises: figures, numbers, downloads, links.

The numbers are those the course material publishes (or that torch and
scikit-learn compute): each must appear in the text of its lesson's page, so a
lesson that stops printing it, or prints another value, fails here.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _site import GALLERY, LESSONS

import lrkit

# Each lesson's page must show these strings (in its prose or its printed output,
# whitespace collapsed; "re:" marks a regular expression). Where a lesson prints its own value next to the published
# one, the string holds both, so it only matches when they agree.
LECTURE_COSTS = [  # the six students' cost log, seeds/001
    (0, "0.693147"),
    (100, "0.134722"),
    (200, "0.080643"),
    (300, "0.057900"),
    (400, "0.045300"),
    (500, "0.037261"),
    (700, "0.027556"),
    (800, "0.024394"),
    (900, "0.021888"),
    (1000, "0.019852"),
]
LESSON_NUMBERS: dict[str, list[str]] = {
    "plot_01_sigmoid": [
        "sigma(0) = 0.5000",
        # Sheffield lab 6, question 1: which (w, b) is which curve
        "w = 1, b = 5: sigma = 0.5 at x = -b/w = -5 -> left, the orange curve",
        "w = 5, b = 5: sigma = 0.5 at x = -b/w = -1 -> middle, the green curve",
        "w = 1, b = 0: sigma = 0.5 at x = -b/w = 0 -> right, the blue curve",
        # the lab's 2-D boundary x2 = -0.5 x1, from the formula and read off the figure
        "boundary from the formula: x2 = -0.50 x1 + 0.00",
        "boundary as drawn: x2 = -0.50 x1 + 0.00",
    ],
    "plot_02_logistic_from_scratch": [
        "cost by hand: 0.6931",
        "lrkit.losses.binary_cross_entropy: 0.6931",
        *(f"{epoch} {cost} {cost} 0.000000" for epoch, cost in LECTURE_COSTS),  # by hand
        *(f"{epoch} {cost} {cost}" for epoch, cost in LECTURE_COSTS),  # lrkit.train
        "600 0.031673 0.031672 0.000001",  # the lecture's last digit sits on a rounding edge
        "epoch 600 in float64: 0.03167251",
        "accuracy on the six students: 1.0",
        "labels agree: False",  # the lecture's evaluation slide is from another data set
    ],
    "plot_03_cross_entropy_by_hand": [
        # the slide's spreadsheet, computed next to the published column
        "0.4741 0.74624 0.74624",
        "0.4754 0.74361 0.74361",
        "0.4741 0.74634 0.74634",
        "0.5236 0.64701 0.64701",
        "0.5221 0.64992 0.64992",
        "mean loss by hand: 0.706624521 lecture: 0.706624521",
        "lrkit.losses.cross_entropy: 0.7066",
        "torch F.cross_entropy: 0.7066",
        "lrkit.losses.entropy((0.75, 0.25), base=2) = 0.811 bits",
        "slide's prediction sums to 107%",
        "corrected: H(p, q) = 1.386 nats",
        "cross-entropy after an extra softmax: 0.6996",
        "-ln(e/(e+1)) = 0.3133",
    ],
    "plot_04_decision_boundary": [
        # lrkit's Newton fit and scikit-learn's lbfgs at the same C agree once both converge
        "lrkit (Newton, tol=1e-8) w = [2.119165, 1.794596] b = -4.005747",
        "scikit-learn (lbfgs, tol=1e-8) w = [2.119165, 1.794596] b = -4.005747",
        r"re:largest difference, scikit-learn with tol=1e-8: \d\.\de-0[7-9]",
        # the Bayes classifier of two unit Gaussians at (0, 0) and (2, 2)
        "Bayes classifier w = [2.000000, 2.000000] b = -4.000000",
        "best possible accuracy on average, Phi(sqrt 2): 0.9214",
        "meshgrid: (4, 5), stacked points: (20, 2), probabilities: (4, 5)",
    ],
    "plot_05_loss_surfaces": [
        "tutorial, x in [-2, 2): 40 points, 17 labelled 1, 23 labelled 0",
        # machinelearningmastery: cross-entropy reaches 1.0, MSE "about 57 %"
        "bce: w = 13.704, b = -3.250, accuracy 1.000, points predicted as class 1: 17 of 40",
        "accuracy 0.575, points predicted as class 1: 0 of 40",
        "after 100 epochs: accuracy 1.0 (the lab reports 1.0)",  # IBM lab
        "textbook formula: loss inf",  # log(0) on the wider range
        "lrkit bce with logits: loss 25.3342 dL/dw -4.8953 dL/db -0.0825",
        "exact, float64: loss 25.3342 dL/dw -4.8953 dL/db -0.0825",
        "17 17.0000 100.0000 36.8414 17.0000",  # the lab's 1e-16 caps a point at 36.84
    ],
    "plot_06_mse_vs_cross_entropy": [
        "training points: 160, test points: 200",  # the lecture's 160 training points
        # the slides' two accuracies and what they imply about the lecture's test set
        "lecture: test-set size implied by the counts: 23/0.72 = 31.9, 21/0.66 = 31.8",
        "one test point out of 32 = 0.031 of accuracy",
        "boundary +0.00 above the curve: test accuracy 0.750",  # the Bayes rule
        "test accuracy of 30 networks per loss (200 test points each)",
        *(
            rf"re:{name} \d\.\d{{3}} \d\.\d{{3}} \d\.\d{{3}} \d\.\d{{3}}"
            for name in ("MSE", "CE", r"softmax \+ CE")
        ),
        "units alive in the hidden layers (of 50, 100, 50):",
    ],
    "plot_07_four_classes": [
        "training points: 320 (80 values of x), test points: 400",
        "Bayes limit for four classes: 0.625 on average",
        "test accuracy of 30 networks per loss (400 test points each)",
        r"re:MSE \(one-hot\) right per band: (\d\.\d\d, ){3}\d\.\d\d",
        r"re:CE right per band: (\d\.\d\d, ){3}\d\.\d\d",
    ],
    "plot_08_generative_vs_discriminative": [
        # the lecture's generative model: priors and the w, b its Gaussians imply
        "P(C1) = 79/140 = 0.564 (slide: 0.56)",
        "P(C2) = 61/140 = 0.436 (slide: 0.44)",
        "shared Sigma = (79 Sigma1 + 61 Sigma2) / 140 = [[862.24, 368.39], [368.39, 822.69]]",
        "w = [0.0204, 0.0048], b = -1.392",
        r"re:max \|Bayes posterior - sigma\(w\.x \+ b\)\| over 1000 points: \d\.\de-1[4-9]",
        r"re:max \|predict_proba - sigma\(w\.x \+ b\)\|: \d\.\de-1[4-9]",
        r"re:max \|lrkit - scikit-learn LDA\| over the probabilities: \d\.\de-1[2-9]",
        r"re:max \|lrkit full - scikit-learn QDA\| over the probabilities: \d\.\de-1[2-9]",
    ],
    "plot_09_train_test_split": [
        # scikit-learn's bundled data, split 75/25 with stratification
        "training samples: 426, test samples: 143, features: 30",
        "share of benign tumours: training 0.627, test 0.629",
        # the History's test loss equals scikit-learn's log_loss on the same predictions
        r"re:test loss (\d\.\d{4}) .*sklearn log_loss on the final test probabilities: \1",
        # lrkit's estimator reproduces scikit-learn's fit at the same C
        "sklearn LogisticRegression, C=1 0.991 0.958",
        "lrkit.LogisticRegressionClassifier, C=1 0.991 0.958",
        "coefficients agree to 1e-8: True",
        "test predictions that agree: 1.000",
    ],
    "plot_10_cascading_logistic": [
        "best accuracy among 100,000 random lines: 0.75",
        "cross-entropy after 300 epochs: 0.6931 (ln 2 = 0.6931)",
        "accuracy on the four corners: 1.00",
        "max |network - cascade of three units| on the 200 points: 0.0e+00",
    ],
    "plot_11_linear_regression": [
        # Sheffield lab 6B prints W_target and b_target after torch.manual_seed(2020)
        "target: y = +6.19 x^1 -4.80 x^2 +7.71 x^3 -2.04 x^4 +4.40",
        "largest coefficient error: 0.0",  # the fit recovers every coefficient to < 0.1
    ],
}


class _Page(HTMLParser):
    """Collects text, images and links of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.full_text = re.sub(r"\s+", " ", " ".join(page.text))
    return page


def lesson_page(site: Path, lesson: str) -> Path:
    return site / "auto_examples" / f"{lesson}.html"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_produced_its_figures(site, lesson):
    page = parse(lesson_page(site, lesson))
    figures = [img for img in page.images if f"sphx_glr_{lesson}_" in (img.get("src") or "")]
    assert figures, f"{lesson} produced no figure"
    for img in figures:
        assert (lesson_page(site, lesson).parent / img["src"]).is_file(), img["src"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_offers_its_downloads(site, lesson):
    page = parse(lesson_page(site, lesson))
    targets = {Path(href).name: href for href in page.links if "_downloads/" in href}
    for suffix in (".py", ".ipynb"):
        name = lesson + suffix
        assert name in targets, f"{lesson} page has no link to {name}"
        assert (lesson_page(site, lesson).parent / targets[name]).is_file()


def test_the_gallery_offers_every_lesson_zipped(site):
    page = parse(site / "auto_examples" / "index.html")
    zips = {Path(href).name for href in page.links if href.endswith(".zip")}
    assert {"auto_examples_python.zip", "auto_examples_jupyter.zip"} <= zips
    for lesson in LESSONS:
        assert any(f"{lesson}.html" in href for href in page.links), f"index misses {lesson}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_states_how_it_was_run(site, lesson):
    text = parse(lesson_page(site, lesson)).full_text
    assert "How this page was run" in text
    assert re.search(r"on (CPU|GPU|Apple GPU) .* with torch \d+\.\d+", text)
    assert f"lrkit {lrkit.__version__}" in text
    assert re.search(r"global seed \d+", text)
    assert re.search(r"Wall time: \d+\.\d s", text)


def test_execution_time_table_lists_every_lesson(site):
    text = parse(site / "sg_execution_times.html").full_text
    for lesson in LESSONS:
        assert f"{lesson}.py" in text, f"{lesson} missing from the execution-time table"


@pytest.mark.parametrize("lesson", sorted(LESSON_NUMBERS))
def test_published_numbers_appear_on_the_page(site, lesson):
    text = parse(lesson_page(site, lesson)).full_text
    missing = [
        expected
        for expected in LESSON_NUMBERS[lesson]
        if not (re.search(expected[3:], text) if expected.startswith("re:") else expected in text)
    ]
    assert not missing, f"{lesson} page lacks {missing}"


def test_every_lesson_has_its_numbers_listed():
    assert set(LESSON_NUMBERS) == set(LESSONS), "list the numbers each lesson must show"


# ------------------------------------------------------------------ API pages
def _names_used_by(lesson: str) -> set[str]:
    """Public lrkit names a lesson's code uses, by reading its source."""
    tree = ast.parse((GALLERY / f"{lesson}.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts = []
            inner = node
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id == "lrkit":
                names.add(".".join(["lrkit", *reversed(parts)]))
    return names


def _canonical(name: str) -> str | None:
    """The documented name behind ``lrkit.x.y``, or None if it is not a documented object."""
    parts = name.split(".")
    if len(parts) == 2 and parts[1] in lrkit._TOP_LEVEL:
        return f"lrkit.{lrkit._TOP_LEVEL[parts[1]]}.{parts[1]}"
    if len(parts) >= 3 and parts[1] in lrkit._SUBMODULES:
        return ".".join(parts[:3])
    return None


def _usage() -> dict[str, set[str]]:
    usage: dict[str, set[str]] = {}
    for lesson in LESSONS:
        for name in _names_used_by(lesson):
            canonical = _canonical(name)
            if canonical:
                usage.setdefault(canonical, set()).add(lesson)
    return usage


def test_every_api_page_lists_the_lessons_that_use_it(site):
    usage = _usage()
    assert usage, "the lessons use no lrkit name?"
    checked = 0
    for name, users in sorted(usage.items()):
        page_path = site / "api" / "generated" / f"{name}.html"
        if not page_path.exists():
            continue  # a name documented on its module page, not on its own
        page = parse(page_path)
        assert "Lessons using" in page.full_text, f"{name}: no lessons section"
        linked = {Path(href.split("#")[0]).stem for href in page.links if "auto_examples/" in href}
        missing = users - linked
        assert not missing, f"API page of {name} does not list {sorted(missing)}"
        checked += 1
    assert checked >= 10, f"only {checked} API pages checked"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_links_the_api_it_uses(site, lesson):
    page = parse(lesson_page(site, lesson))
    linked = {Path(href.split("#")[0]).stem for href in page.links if "api/generated/" in href}
    used = {_canonical(n) for n in _names_used_by(lesson)} - {None}
    documented = {n for n in used if (site / "api" / "generated" / f"{n}.html").exists()}
    assert documented, f"{lesson} uses no documented lrkit name"
    missing = documented - linked
    assert not missing, f"{lesson} does not link {sorted(missing)}"
