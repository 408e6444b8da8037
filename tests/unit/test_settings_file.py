"""Reading ``settings.yaml`` from a hostile or careless client folder, and ``-p`` overrides.

Each case starts from the shipped sample's settings, breaks one thing, and checks
that :func:`read_settings` answers with a problem naming the file, the YAML line
and the setting, in a short message, and never raises. Lines are found in the
edited text rather than written down, so the cases follow the sample as it changes.
"""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from salesnb.cli import build_parser
from salesnb.errors import Problem
from salesnb.io import yaml_reader
from salesnb.io.settings import Settings, read_settings
from salesnb.paths import SAMPLE_CLIENT

SAMPLE = (SAMPLE_CLIENT / "settings.yaml").read_text(encoding="utf-8")
FILE = "settings.yaml"
#: No message about one setting needs more than this, whatever the file holds.
SHORT = 400


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / FILE
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    assert SAMPLE.count(old) == 1, f"{old!r} is not once in the sample settings"
    return SAMPLE.replace(old, new)


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line on which ``fragment`` appears for the ``occurrence``-th time."""
    at = -1
    for _ in range(occurrence):
        at = text.index(fragment, at + 1)
    return text.count("\n", 0, at) + 1


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.note]


@dataclass(frozen=True)
class Case:
    id: str
    old: str  # text of the sample to replace...
    new: str  # ...by this
    at: str  # a fragment of ``new`` on the line the problem names
    column: str | None  # the dotted setting
    words: tuple[str, ...]  # in the message, case-insensitive
    occurrence: int = 1  # which appearance of ``at`` in the edited text

    def text(self) -> str:
        return edited(self.old, self.new)


STRESS_SEED = "  seed: 2027                   # same seed"
HIRING_SEED = "  runs: 500\n  seed: 2027\n"

CASES = [
    # 1. anchors and aliases: refused before anything is built
    Case(
        "anchor",
        "opening: 350000",
        "opening: &cash 350000",
        "&cash",
        "cash.opening",
        ("anchor", "&cash"),
    ),
    Case(
        "alias",
        "minimum: 100000",
        "minimum: *cash",
        "*cash",
        "cash.minimum",
        ("alias", "*cash"),
    ),
    Case(
        "anchor-on-a-section",
        "stress_test:\n",
        "stress_test: &st\n",
        "&st",
        "stress_test",
        ("anchor",),
    ),
    Case(
        "alias-in-a-list",
        "ramp: [0, 0.25, 0.5, 0.75]",
        "ramp: [0, *q, 0.5, 0.75]",
        "*q",
        "plan.ramp.1",
        ("alias",),
    ),
    Case(
        "merge-key",
        "  cut: 0.25 ",
        "  <<: {cut: 0.3}\n  cut: 0.25 ",
        "<<",
        None,
        ("merge key",),
    ),
    Case(
        "object-tag",
        "  currency: USD",
        "  currency: !!python/object/apply:os.system ['echo hi']",
        "!!python",
        None,
        ("tag", "!!python/object/apply:os.system"),
    ),
    Case(
        "binary-tag",
        "  currency: USD",
        "  currency: !!binary VVNE",
        "!!binary",
        None,
        ("tag",),
    ),
    Case(
        "second-document",
        "horizon_months: 12",
        "horizon_months: 12\n---\nhorizon_months: 6",
        "---",
        None,
        ("more than one yaml document",),
    ),
    Case(
        "list-as-a-key",
        "horizon_months: 12",
        "? [horizon_months]\n: 12",
        "? [horizon",
        None,
        ("plain text",),
    ),
    Case(
        "too-deep",
        "horizon_months: 12",
        "horizon_months: " + "[" * 40 + "]" * 40,
        "[[[",
        None,
        ("nested",),
    ),
    Case(
        "invalid-yaml",
        "  currency: USD",
        "  currency: USD: dollars",
        "USD: dollars",
        None,
        ("not valid yaml",),
    ),
    # 2. a key given twice: both lines, at the one that would have won
    Case(
        "duplicate-key",
        "  currency: USD\n",
        "  currency: USD\n  currency: EUR\n",
        "currency: EUR",
        "client.currency",
        ("twice", "line 7", "line 8"),
    ),
    Case(
        "duplicate-section",
        "horizon_months: 12",
        "horizon_months: 12\nhorizon_months: 18",
        "horizon_months: 18",
        "horizon_months",
        ("twice",),
    ),
    Case(
        "duplicate-stream",
        "  Support contracts: {cost_of_sales: 0.22}",
        "  Support contracts: {cost_of_sales: 0.22}\n  Support contracts: {cost_of_sales: 0.3}",
        "Support contracts",
        "streams.Support contracts",
        ("twice",),
        occurrence=2,
    ),
    Case(
        "duplicate-in-a-flow-mapping",
        "{stage: conversations, conversion: 0.35}",
        "{stage: conversations, conversion: 0.35, conversion: 0.4}",
        "conversion: 0.4",
        "plan.funnel.1.conversion",
        ("twice",),
    ),
    # 3. dates that are not dates, and months no plan has
    Case(
        "as-of-month-13",
        "as_of: 2027-01-08",
        "as_of: 2027-13-45",
        "as_of",
        "as_of",
        ("not a date", "YYYY-MM-DD", "2027-13-45"),
    ),
    Case(
        "as-of-february-30",
        "as_of: 2027-01-08",
        "as_of: 2027-02-30",
        "as_of",
        "as_of",
        ("not a date", "YYYY-MM-DD"),
    ),
    Case(
        "as-of-not-a-date",
        "as_of: 2027-01-08",
        "as_of: next Tuesday",
        "as_of",
        "as_of",
        ("YYYY-MM-DD",),
    ),
    Case(
        "as-of-year-1",
        "as_of: 2027-01-08",
        "as_of: 0001-01-01",
        "as_of",
        "as_of",
        ("year", "1900"),
    ),
    Case(
        "fiscal-year-start-february-30",
        'fiscal_year_start: "2027-01"',
        "fiscal_year_start: 2027-02-30",
        "fiscal_year_start",
        "fiscal_year_start",
        ("not a date", "YYYY-MM"),
    ),
    Case(
        "fiscal-year-start-month-13",
        'fiscal_year_start: "2027-01"',
        'fiscal_year_start: "2027-13"',
        "fiscal_year_start",
        "fiscal_year_start",
        ("YYYY-MM",),
    ),
    Case(
        "fiscal-year-start-year-0",
        'fiscal_year_start: "2027-01"',
        'fiscal_year_start: "0000-01"',
        "fiscal_year_start",
        "fiscal_year_start",
        ("year", "1900"),
    ),
    # 5. numbers: not finite, beyond the limit, negative seeds, yes/no, base 60
    Case(
        "nan-cash",
        "opening: 350000",
        "opening: .nan",
        "opening",
        "cash.opening",
        ("finite",),
    ),
    Case(
        "infinite-cut",
        "  cut: 0.25 ",
        "  cut: -.inf ",
        "cut:",
        "stress_test.cut",
        ("finite",),
    ),
    Case(
        "overflowing-float",
        "volatility: 0.15",
        "volatility: 1.0e+400",
        "volatility",
        "stress_test.volatility",
        ("finite",),
    ),
    Case(
        "nan-in-a-list",
        "ramp: [0, 0.25, 0.5, 0.75]",
        "ramp: [0, .nan, 0.5, 0.75]",
        "ramp",
        "plan.ramp.1",
        ("finite",),
    ),
    Case(
        "huge-opening-cash",
        "opening: 350000",
        "opening: -2e15",
        "opening",
        "cash.opening",
        ("1000000000000000",),
    ),
    Case(
        "huge-minimum-cash",
        "minimum: 100000",
        "minimum: 1.0e+16",
        "minimum",
        "cash.minimum",
        ("1000000000000000",),
    ),
    Case(
        "huge-goal",
        "  growth: 0.12 ",
        "  goal: 2e15 ",
        "goal",
        "plan.goal",
        ("1e+15",),
    ),
    Case(
        "huge-average-deal",
        "average_deal: 28000",
        "average_deal: 1e16",
        "average_deal",
        "plan.average_deal",
        ("1000000000000000",),
    ),
    Case(
        "huge-annual-quota",
        "annual_quota: 950000",
        "annual_quota: 9e99",
        "annual_quota: 9e99",
        "hiring.annual_quota",
        ("1000000000000000",),
    ),
    Case(
        "huge-salary",
        "salary: 76000",
        "salary: 1_000_000_000_000_001",
        "salary: 1_000",
        "hiring.salary",
        ("1000000000000000",),
    ),
    Case(
        "huge-recruiting-cost",
        "recruiting_cost_per_hire: 18000",
        "recruiting_cost_per_hire: 1.5e15",
        "recruiting_cost",
        "hiring.recruiting_cost_per_hire",
        ("1000000000000000",),
    ),
    Case(
        "negative-stress-test-seed",
        STRESS_SEED,
        "  seed: -1 # same seed",
        "seed: -1",
        "stress_test.seed",
        ("greater than or equal to 0",),
    ),
    Case(
        "negative-hiring-seed",
        HIRING_SEED,
        "  runs: 500\n  seed: -5\n",
        "seed: -5",
        "hiring.seed",
        ("greater than or equal to 0",),
    ),
    Case(
        "seed-of-five-thousand-digits",
        HIRING_SEED,
        "  runs: 500\n  seed: " + "7" * 5000 + "\n",
        "seed: 777",
        "hiring.seed",
        (),
    ),
    Case(
        "yes-for-a-number",
        "  cut: 0.25 ",
        "  cut: yes ",
        "cut:",
        "stress_test.cut",
        ("expected a number", "yes-or-no"),
    ),
    Case(
        "yes-in-a-list-of-numbers",
        "ramp: [0, 0.25, 0.5, 0.75]",
        "ramp: [0, on, 0.5, 0.75]",
        "ramp",
        "plan.ramp",
        ("yes-or-no",),
    ),
    Case(
        "yes-for-a-name",
        "role: Account executive",
        "role: yes",
        "role: yes",
        "hiring.role",
        ("expected text", "quotes"),
    ),
    Case(
        "base-60-is-not-a-number",
        "cycle_months: 3 ",
        "cycle_months: 1:30 ",
        "cycle_months",
        "plan.cycle_months",
        ("valid number",),
    ),
    # 5. control characters in names and labels, shown as escapes
    Case(
        "bell-in-the-client-name",
        "name: Cedar Ridge Technology",
        'name: "Cedar Ridge\\a Technology"',
        "name:",
        "client.name",
        ("control character \\x07",),
    ),
    Case(
        "tab-in-the-client-name",
        "name: Cedar Ridge Technology",
        'name: "Cedar Ridge\\tTechnology"',
        "name:",
        "client.name",
        ("control character \\t",),
    ),
    Case(
        "newline-in-the-role",
        "role: Account executive",
        'role: "Account\\nexecutive"',
        "role:",
        "hiring.role",
        ("control character \\n",),
    ),
    Case(
        "escape-sequence-in-the-people-line",
        "people_line: Planned sales hires",
        'people_line: "\\e[31mPlanned sales hires"',
        "people_line",
        "hiring.people_line",
        ("control character \\x1b",),
    ),
    Case(
        "null-in-the-recruiting-line",
        "recruiting_line: Recruiting",
        'recruiting_line: "Recruit\\0ing"',
        "recruiting_line",
        "hiring.recruiting_line",
        ("control character \\x00",),
    ),
    Case(
        "right-to-left-override-in-the-client-name",
        "name: Cedar Ridge Technology",
        'name: "Cedar Ridge \\u202eygolonhceT"',
        "name:",
        "client.name",
        ("control character \\u202e",),
    ),
    Case(
        "control-character-in-a-stream-name",
        "  Managed services: {cost_of_sales: 0.38}",
        '  "Managed\\x07services": {cost_of_sales: 0.38}',
        "Managed",
        "streams.Managed\\x07services",
        ("control character \\x07",),
    ),
    Case(
        "control-character-in-a-weights-key",
        "  ramp: [0, 0.25, 0.5, 0.75]",
        '  ramp: [0, 0.25, 0.5, 0.75]\n  weights: {"Hannah\\x08 Brooks": 0.5}',
        "weights",
        "plan.weights.Hannah\\x08 Brooks",
        ("control character \\x08",),
    ),
    Case(
        "control-character-in-a-funnel-stage",
        "{stage: conversations, conversion: 0.35}",
        '{stage: "conver\\x7fsations", conversion: 0.35}',
        "conver\\x7f",
        "plan.funnel.1.stage",
        ("control character \\x7f",),
    ),
    Case(
        "control-character-in-an-answer",
        "    specific_factors:\n",
        '    specific_factors:\n      - "A bell\\a in the text"\n',
        "A bell",
        "plan.questions.specific_factors.0",
        ("control character \\x07",),
    ),
    Case(
        "empty-stream-name",
        "  Managed services: {cost_of_sales: 0.38}",
        '  "": {cost_of_sales: 0.38}',
        '""',
        "streams.",
        ("at least 1 character",),
    ),
    # every echo of the client's text is cut short
    Case(
        "long-seasonality",
        "seasonality: prior",
        "seasonality: " + "x" * 5000,
        "seasonality",
        "plan.seasonality",
        ("…",),
    ),
    Case(
        "long-unknown-question",
        "    specific_factors:\n",
        "    " + "q" * 1000 + ": why\n    specific_factors:\n",
        "qqqq",
        "plan.questions." + "q" * yaml_reader.ECHO + "…",
        ("unknown question", "went_well", "…"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_broken_setting_is_a_located_problem(tmp_path, case):
    text = case.text()
    settings, problems = read_settings(write(tmp_path, text))
    assert settings is None
    row = line_of(text, case.at, case.occurrence)
    found = [p for p in errors(problems) if p.row == row and p.column == case.column]
    assert found, f"nothing at line {row}, setting {case.column!r}: {problems}"
    problem = found[0]
    assert problem.file == FILE
    for word in case.words:
        assert word.lower() in problem.message.lower(), problem.message
    for p in problems:
        assert len(p.message) <= SHORT, p.message[:200]
        assert p.column is None or len(p.column) <= SHORT


def test_a_duplicate_key_points_its_other_problems_at_the_value_that_is_read(tmp_path):
    text = edited("  cut: 0.25 ", "  cut: 0.25\n  cut: 1.5 ")
    _, problems = read_settings(write(tmp_path, text))
    row = line_of(text, "cut: 1.5")
    assert {(p.row, p.column) for p in problems} == {(row, "stress_test.cut")}
    assert len(problems) == 2  # the key given twice, and the cut above 1
    assert any("twice" in p.message for p in problems)
    assert any("less than or equal to 1" in p.message for p in problems)


def test_a_long_unknown_key_is_cut_short_in_the_setting_named(tmp_path):
    text = edited("horizon_months: 12", "k" * 1000 + ": 12")
    _, problems = read_settings(write(tmp_path, text))
    [problem] = problems
    assert problem.column == "k" * yaml_reader.ECHO + "…"
    assert problem.row == line_of(text, "kkk")


def test_a_file_with_many_problems_lists_a_few_and_counts_the_rest(tmp_path):
    streams = "".join(f"  s{i}: {{cost_of_sales: 2}}\n" for i in range(300))
    text = edited("  Support contracts: {cost_of_sales: 0.22}\n", streams)
    _, problems = read_settings(write(tmp_path, text))
    assert 10 < len(problems) <= 60
    assert "more problems" in problems[-1].message


# ----------------------------------------------------------------------------
# What YAML 1.1 would have read wrongly, read as a person means it
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "read"),
    [
        ("horizon_months: 12", "horizon_months: 012", lambda s: s.horizon_months == 12),
        ("salary: 76000", "salary: 76_000", lambda s: s.hiring.salary == 76_000),
        ("  growth: 0.12 ", "  goal: 5e6 ", lambda s: s.plan.goal == 5_000_000),
        ("as_of: 2027-01-08", 'as_of: "2027-01-08"', lambda s: str(s.as_of) == "2027-01-08"),
        (
            'fiscal_year_start: "2027-01"',
            "fiscal_year_start: 2027-01-01",
            lambda s: s.fiscal_year_start == "2027-01",
        ),
        (
            "    specific_factors:\n",
            "    specific_factors:\n      - |\n        Two lines,\n        \tone indented\n",
            lambda s: "Two lines,\n\tone indented\n" in s.plan.questions["specific_factors"],
        ),
    ],
    ids=["leading-zero", "underscores", "exponent", "quoted-date", "date-as-month", "block-text"],
)
def test_values_a_consultant_writes_are_read_as_meant(tmp_path, old, new, read):
    settings, problems = read_settings(write(tmp_path, edited(old, new)))
    assert problems == []
    assert read(settings)


def test_the_sample_reads_as_before():
    settings, problems = read_settings(SAMPLE_CLIENT / FILE)
    assert problems == []
    assert settings == Settings.model_validate(yaml.safe_load(SAMPLE))


# ----------------------------------------------------------------------------
# 4. Bytes: encodings, and files that cannot be read
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_unicode_files_read_without_a_note(tmp_path, encoding):
    text = edited("name: Cedar Ridge Technology", "name: Cèdre Ridge Ŧechnology")
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    settings, problems = read_settings(write(tmp_path, data))
    assert problems == []
    assert settings.client.name == "Cèdre Ridge Ŧechnology"


def test_a_windows_1252_file_reads_with_a_note_and_its_settings(tmp_path):
    text = edited("name: Cedar Ridge Technology", "name: Cèdre Ridge Œuvres €")
    settings, problems = read_settings(write(tmp_path, text.encode("cp1252")))
    assert settings is not None
    assert settings.client.name == "Cèdre Ridge Œuvres €"
    [note] = problems
    assert note.note and note.file == FILE and "Windows-1252" in note.message


def test_a_utf8_mark_on_windows_1252_text_reads_with_the_note(tmp_path):
    text = edited("name: Cedar Ridge Technology", "name: Cèdre Ridge Technology")
    settings, problems = read_settings(write(tmp_path, codecs.BOM_UTF8 + text.encode("cp1252")))
    assert settings is not None and settings.client.name == "Cèdre Ridge Technology"
    assert [(p.note, "Windows-1252" in p.message) for p in problems] == [(True, True)]


def test_utf16_without_a_mark_reads_without_a_note(tmp_path):
    text = edited("name: Cedar Ridge Technology", "name: Cèdre Ridge Technology")
    settings, problems = read_settings(write(tmp_path, text.encode("utf-16-le")))
    assert problems == []
    assert settings.client.name == "Cèdre Ridge Technology"


def test_the_byte_that_is_not_text_is_counted_from_1(tmp_path):
    _, problems = read_settings(write(tmp_path, b"client: \x81\n"))
    assert problems == [
        Problem(
            FILE,
            "is neither UTF-8 nor Windows-1252 text (byte 9 is 0x81): save it as UTF-8 text",
        )
    ]


def test_a_client_folder_whose_settings_are_windows_1252_loads_with_the_note(tmp_path):
    from salesnb.io import check_folder

    folder = Path(shutil.copytree(SAMPLE_CLIENT, tmp_path / "cedar-ridge"))
    text = edited("name: Cedar Ridge Technology", "name: Cèdre Ridge Technology")
    (folder / FILE).write_bytes(text.encode("cp1252"))
    checked = check_folder(folder)
    assert checked.problems == []
    assert checked.client is not None and checked.client.name == "Cèdre Ridge Technology"
    assert [(n.file, n.note) for n in checked.notes] == [(FILE, True)]


def test_a_windows_1252_file_with_an_error_gives_both(tmp_path):
    text = edited("name: Cedar Ridge Technology", "name: Cèdre").replace("cut: 0.25", "cut: 2")
    settings, problems = read_settings(write(tmp_path, text.encode("cp1252")))
    assert settings is None
    assert [p.note for p in problems] == [True, False]
    assert problems[1].column == "stress_test.cut"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"client:\n  name: \x81\x8d\x8f\x90\n", ("neither UTF-8 nor", "byte 17 is 0x81")),
        (codecs.BOM_UTF8 + b"client: \x81\n", ("neither UTF-8 nor", "byte 12 is 0x81")),
        (codecs.BOM_UTF16_LE + b"c\x00l\x00\x00\xd8", ("not UTF-16 text", "(byte 7)")),
        (b"client:\x00\n", ("\\x00",)),
        (b"", ("mapping",)),
        (b"# only a comment\n", ("mapping",)),
        (b"- a\n- list\n", ("mapping",)),
    ],
    ids=["undefined-bytes", "undefined-after-bom", "bad-utf16", "nul", "empty", "comment", "list"],
)
def test_bytes_that_are_not_settings(tmp_path, data, words):
    settings, problems = read_settings(write(tmp_path, data))
    assert settings is None
    assert errors(problems)
    message = " ".join(p.message for p in problems)
    for word in words:
        assert word in message
    assert all(p.file == FILE for p in problems)


def test_a_file_too_large_is_refused_unread(tmp_path):
    data = b"# padding\n" * (yaml_reader.MAX_BYTES // 10 + 1)
    settings, problems = read_settings(write(tmp_path, data))
    assert settings is None
    assert [p.message.split(":")[0] for p in problems] == [
        f"is larger than {yaml_reader.MAX_BYTES // 1024} KB"
    ]


def test_too_many_values_are_refused(tmp_path):
    text = SAMPLE + "\nextra: [" + "1, " * yaml_reader.MAX_NODES + "]\n"
    settings, problems = read_settings(write(tmp_path, text))
    assert settings is None
    [problem] = problems
    assert "more than" in problem.message and problem.row == line_of(text, "extra:")


def test_a_missing_file(tmp_path):
    assert read_settings(tmp_path / FILE) == (
        None,
        [Problem(FILE, "file not found: every client folder needs one")],
    )


def test_a_folder_named_settings_yaml(tmp_path):
    (tmp_path / FILE).mkdir()
    settings, [problem] = read_settings(tmp_path / FILE)
    assert settings is None and problem.file == FILE and "not a file" in problem.message


def test_a_file_that_cannot_be_opened(tmp_path, monkeypatch):
    path = write(tmp_path, SAMPLE)

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    settings, [problem] = read_settings(path)
    assert settings is None
    assert (problem.file, problem.message) == (FILE, "cannot be read: Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root from reading a file")
def test_a_file_without_read_permission(tmp_path):
    path = write(tmp_path, SAMPLE)
    path.chmod(0)
    try:
        settings, [problem] = read_settings(path)
    finally:
        path.chmod(0o600)
    assert settings is None and "cannot be read" in problem.message


# ----------------------------------------------------------------------------
# 1. The alias bomb, in a process that may not use more than 1 GB
# ----------------------------------------------------------------------------


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return SAMPLE + "\nbomb:\n" + "".join(f"  {line}\n" for line in lines)


def test_the_alias_bomb_is_refused_quickly_in_little_memory(tmp_path):
    path = write(tmp_path, billion_laughs())
    assert path.stat().st_size < 20_000  # a small file: the sample's settings and nine lines
    script = textwrap.dedent(
        """
        import resource, sys
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from salesnb.io.settings import read_settings
        settings, problems = read_settings(Path(sys.argv[1]))
        print(settings)
        for p in problems:
            print(p)
        """
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout) + len(done.stderr) < 1000
    lines = done.stdout.splitlines()
    row = line_of(path.read_text(encoding="utf-8"), "&a")
    assert lines[0] == "None"
    refusal = (
        f"{FILE}, row {row}, column 'bomb.a': a YAML anchor (&a) is not allowed: write each "
        "value out in full, without anchors or aliases"
    )
    assert lines[1:] == [refusal]
    assert elapsed < 20  # the interpreter and pandas starting; the refusal takes milliseconds


def test_the_alias_bomb_takes_milliseconds(tmp_path):
    path = write(tmp_path, billion_laughs())
    start = time.perf_counter()
    settings, problems = read_settings(path)
    assert time.perf_counter() - start < 1.0
    assert settings is None and len(problems) == 1


# ----------------------------------------------------------------------------
# 7. Whatever the file holds, a (Settings | None, [Problem]) pair comes out
# ----------------------------------------------------------------------------

FRAGMENTS = [
    "\n", "\n  ", "\n    ", "  ", ": ", "- ", "? ", ", ", "#", "'", '"', "\\", "|", ">",
    "[", "]", "{", "}", "&a ", "*a", "!!str ", "!!int ", "!!float ", "!!python/name:os.system ",
    "!x ", "<<: ", "---\n", "...\n", "%YAML 1.1\n", "~", "null", "yes", "no", "on", ".nan",
    ".inf", "-.inf", "1e400", "012", "0x1F", "1:30", "1_000", "-1", "0", "2027-13-45",
    "2027-02-30", "0000-01", "2027-01", "2027-01-08", "\t", "\x07", "\u202e", "é", "\ufeff",
    "client", "name", "currency", "as_of", "fiscal_year_start", "streams", "cost_of_sales",
    "stress_test", "cut", "seed", "plan", "hiring", "ramp", "weights", "goal", "salary",
    "questions", "went_well", "funnel", "stage", "conversion",
]  # fmt: skip

SETTING_KEYS = st.sampled_from(
    ["client", "name", "currency", "as_of", "fiscal_year_start", "horizon_months", "cash",
     "opening", "streams", "stress_test", "cut", "seed", "runs", "plan", "hiring", "ramp",
     "weights", "goal", "salary", "role", "questions", "funnel", "x\x07", ""]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.dates().map(str)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(SETTING_KEYS, inner, max_size=5),
    max_leaves=30,
)


def _spliced(fragments: list[str], cut: int) -> str:
    at = cut % (len(SAMPLE) + 1)
    return SAMPLE[:at] + "".join(fragments) + SAMPLE[at:]


def _sample_with(path: list[str], value: object) -> str:
    data = yaml.safe_load(SAMPLE)
    node = data
    for key in path[:-1]:
        child = node.get(key) if isinstance(node, dict) else None
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value
    return yaml.safe_dump(data, allow_unicode=True)


CONTENTS = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.builds(
        _spliced, st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8), st.integers()
    ),
    st.binary(max_size=600),
    st.builds(
        lambda bom, data: bom + data,
        st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]),
        st.binary(max_size=200),
    ),
    VALUES.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
    st.builds(_sample_with, st.lists(SETTING_KEYS, min_size=1, max_size=3), VALUES),
    st.text(max_size=300),
)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=CONTENTS)
def test_read_settings_never_raises(tmp_path, content):
    path = write(tmp_path, content.encode("utf-8") if isinstance(content, str) else content)
    result = read_settings(path)
    assert isinstance(result, tuple) and len(result) == 2
    settings, problems = result
    assert settings is None or isinstance(settings, Settings)
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) and p.file == FILE for p in problems)
    if settings is None:
        assert any(not p.note for p in problems)
    else:
        assert all(p.note for p in problems)
    for p in problems:
        assert len(p.message) <= SHORT + 1
        assert p.row is None or (isinstance(p.row, int) and p.row >= 1)
        assert p.column is None or len(p.column) <= SHORT


# ----------------------------------------------------------------------------
# 6. -p NAME=VALUE
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cut=0.3", ("cut", 0.3)),
        ("start_month = 4", ("start_month", 4)),
        ("seed=012", ("seed", 12)),
        ("growth=1e-1", ("growth", 0.1)),
        ("runs=", ("runs", None)),
        ("cut=yes", ("cut", True)),  # refused later, against the setting it stands for
    ],
)
def test_an_override_is_read_as_yaml(text, expected):
    args = build_parser().parse_args(["report", "client", "-p", text])
    assert args.param == [expected]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("cut=[1", ("cut", "not valid YAML")),
        ("cut={a: 1", ("cut", "not valid YAML")),
        ("cut=&a 0.3", ("cut", "anchor")),
        ("cut=*a", ("cut", "alias")),
        ("cut=[&a 1, *a]", ("cut", "anchor")),
        ("cut=!!python/object/apply:os.system [ls]", ("cut", "tag")),
        ("cut={a: 1, a: 2}", ("cut", "twice")),
        ("cut=" + "[" * 100, ("cut", "nested")),
        ("cut=\x07", ("cut", "\\x07")),
        ("cut=0.3\n---\n0.4", ("cut", "more than one")),
        ("cut", ("NAME=VALUE",)),
        ("=0.3", ("NAME=VALUE",)),
        ("c" * 500 + "=[", ("c" * yaml_reader.ECHO + "…",)),
    ],
)
def test_an_override_yaml_cannot_read_is_an_argument_error(text, words, capsys):
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["report", "client", "-p", text])
    assert caught.value.code == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert "argument -p/--param" in message
    for word in words:
        assert word in message
    assert len(message) < 360
