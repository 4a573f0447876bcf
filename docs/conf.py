"""Sphinx configuration of the lrkit site.

The lessons in ``gallery/`` are executed by sphinx-gallery at build time, on a
GPU when one is present (``lrkit.device.default_device``), so every figure and
number on the site comes from running code.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import lrkit

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

# -- Project -----------------------------------------------------------------
project = "lrkit"
author = "The lrkit developers"
# SOURCE_DATE_EPOCH (set by the build from the last commit) makes the year,
# and everything else that depends on the clock, reproducible.
_year = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))).tm_year
copyright = f"{_year}, {author}"
release = lrkit.__version__
version = ".".join(release.split(".")[:2])

# -- Extensions ----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx-mathjax-offline",
    "lrkit_gallery",
    "lrkit_benchmarks",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.py.md5"]
templates_path = ["_templates"]
nitpicky = True
nitpick_ignore_regex = [
    # Types named in numpydoc "Parameters" sections that are not objects.
    (
        "py:class",
        r"(tensor-like|array-like|callable|optional|default=.*|of shape.*|\.\.\.|"
        r"pair of pairs of float|sequence of int|.*\{.*|.*\}.*|.* or None)",
    ),
    # Other projects' objects: there is no network at build time to fetch their
    # inventories, so these stay unlinked (rendered as code).
    ("py:.*", r"(torch|np|numpy|matplotlib|mpl_toolkits|sklearn|scipy|tqdm)(\..*)?"),
]

# -- Math: MathJax served from the site itself ----------------------------------------
# MathJax 3.2.2 is copied into _static/mathjax by sphinx-mathjax-offline, so no
# page asks a third-party host for anything (the site works offline and leaks
# nothing), and building the site needs only Python packages. KaTeX could
# pre-render formulas at build time, but only with Node.js installed, and it
# covers less LaTeX.
mathjax_path = "mathjax/tex-chtml.js"

# -- MyST ---------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -- API reference --------------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- Lessons ----------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "gallery"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("lrkit",),
    "prefer_full_module": {r"lrkit\..*"},
    "backreferences_dir": "gen_modules/backreferences",
    "reset_modules": ("matplotlib", "lrkit_gallery.reset_lesson"),
    "reset_modules_order": "both",
    "first_notebook_cell": (
        "# This lesson uses lrkit. In a fresh environment, install it from the\n"
        "# project's source tree (the folder holding pyproject.toml), for example:\n"
        "#   %pip install torch==2.13.0 -e /path/to/lrkit\n"
        "# then restart the kernel. On a GPU machine, install the torch build for it."
    ),
    "remove_config_comments": True,
    # Notebook text cells: pandoc turns the lessons' reStructuredText
    # (admonitions, roles, raw HTML, display math) into the plain Markdown with
    # $-math that Jupyter renders, instead of leaving directives as literal text.
    "pypandoc": {
        "extra_args": ["--to=markdown_strict+tex_math_dollars+pipe_tables", "--wrap=preserve"]
    },
    "download_all_examples": True,
    "write_computation_times": True,  # even with SOURCE_DATE_EPOCH set
    "min_reported_time": 0,
    "show_memory": False,
    "recommender": {"enable": True, "n_examples": 3},
    "matplotlib_animations": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    # A cell ending in ax.legend(...) would print "<matplotlib.legend.Legend at 0x...>".
    "ignore_repr_types": r"matplotlib[.]",
    "junit": str(Path("..") / "sphinx-gallery" / "junit-results.xml"),
    "default_thumb_file": str(HERE / "_static" / "thumb.png"),
}

# -- HTML ---------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "lrkit: logistic regression and cross-entropy"
html_static_path = ["_static"]
html_css_files = ["lrkit.css"]
html_favicon = "_static/favicon.svg"
html_show_sourcelink = False
html_last_updated_fmt = None
html_context = {"default_mode": "auto"}
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
}
html_sidebars = {"index": [], "getting-started": []}

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
