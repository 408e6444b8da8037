"""The ``salesnb`` command: new client folders, checks, and report packs.

    salesnb new-client "Acme Systems" --dir clients
    salesnb validate clients/acme-systems
    salesnb report clients/acme-systems --out reports
    salesnb report clients --all --out reports
    salesnb report clients --all --scheduler tcp://10.0.0.5:8786

Every command that reads a client folder checks it first and stops with the
list of problems (file, row, column, what was expected) before any notebook
runs. Exit status: 0 on success, 1 when a folder or a report failed, 2 for a
command-line mistake.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from salesnb import __version__, paths
from salesnb.errors import ClientFolderError
from salesnb.io import check_folder, slugify

__all__ = ["main", "new_client"]


def new_client(
    name: str, parent: Path, *, first_month: str | None = None, as_of: dt.date | None = None
) -> Path:
    """Create ``parent/<slug of name>`` from the template; never overwrite anything.

    The revenue plan and the prior-year actuals get one example row per month,
    starting at ``first_month`` (default: next January).
    """
    today = as_of or dt.date.today()
    first = first_month or f"{today.year + 1}-01"
    start = dt.date.fromisoformat(f"{first}-01")
    folder = parent / slugify(name)
    if folder.exists():
        raise FileExistsError(f"{folder} already exists: nothing was changed")
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{folder.name}.new"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(paths.CLIENT_TEMPLATE, staging)
    settings = (staging / "settings.yaml").read_text(encoding="utf-8")
    quoted_name = yaml.safe_dump(name, default_style='"').strip()
    settings = (
        settings.replace("__CLIENT_NAME__", quoted_name)
        .replace("__FIRST_MONTH__", first)
        .replace("__AS_OF__", today.isoformat())
    )
    (staging / "settings.yaml").write_text(settings, encoding="utf-8")

    def months(year_offset: int) -> list[str]:
        out = []
        y, m = start.year - year_offset, start.month
        for _ in range(12):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    plan = ["month,stream,revenue"]
    for month in months(0):
        plan += [f"{month},Products,60000", f"{month},Services,40000"]
    (staging / "revenue_plan.csv").write_text("\n".join(plan) + "\n", encoding="utf-8")
    actuals = ["month,revenue", *(f"{month},90000" for month in months(1))]
    (staging / "actuals.csv").write_text("\n".join(actuals) + "\n", encoding="utf-8")
    staging.rename(folder)
    return folder


def _print_problems(exc: ClientFolderError) -> None:
    print(str(exc), file=sys.stderr)


def _parameter(text: str) -> tuple[str, Any]:
    """A ``-p NAME=VALUE`` override: the value read as plain YAML (a number, a word, a list).

    Anything YAML cannot read, or that a settings file refuses too (anchors, aliases,
    object tags), is an argparse error naming the parameter, never a traceback.
    """
    from salesnb.io.yaml_reader import YamlError, clip, load_value, quote

    key, _, value = text.partition("=")
    if not key.strip() or "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, such as cut=0.3; got {quote(text)}")
    key = key.strip()
    try:
        return key, load_value(value)
    except YamlError as exc:
        raise argparse.ArgumentTypeError(
            f"{clip(key)}: cannot read the value {quote(value)}: {exc.message}"
        ) from None


def _cmd_new(args: argparse.Namespace) -> int:
    try:
        folder = new_client(args.name, Path(args.dir), first_month=args.start)
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {folder}")
    print(f"next: fill in its files, then run: salesnb validate {folder}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    if args.all:
        from salesnb.report import client_folders

        parents = [Path(f) for f in args.folders]
        folders = [c for parent in parents if parent.is_dir() for c in client_folders(parent)]
        if not folders:
            where = ", ".join(str(p) for p in parents)
            print(f"error: no client folders (with a settings.yaml) in {where}", file=sys.stderr)
            return 1
        checks = [check_folder(folder) for folder in folders]
        for check in checks:
            print(check.summary(), file=sys.stderr if check.problems else sys.stdout)
        bad = [c for c in checks if c.problems]
        print(
            f"{len(checks) - len(bad)} of {len(checks)} client folders ready"
            + (f"; for a folder's problems: salesnb validate {bad[0].folder}" if bad else "")
        )
        return 1 if bad else 0
    status = 0
    for folder in args.folders:
        check = check_folder(folder)
        print(check.report(), file=sys.stderr if check.problems else sys.stdout)
        status = status or (1 if check.problems else 0)
    return status


def _cmd_report(args: argparse.Namespace) -> int:
    import signal

    from tqdm import tqdm

    from salesnb.report import ReportError, client_folders, run_batch
    from salesnb.report.runner import check_out_dir

    try:
        check_out_dir(Path(args.out))
    except ReportError as exc:
        print(f"error: --out: {exc}", file=sys.stderr)
        return 2
    if args.all_scenarios and (args.scenario or args.param):
        print(
            "error: --all-scenarios runs the scenarios named in settings.yaml as they are "
            "named there; it takes neither --scenario nor -p",
            file=sys.stderr,
        )
        return 2
    if args.scenario is not None:
        from salesnb.report.scenarios import check_name

        try:
            check_name(args.scenario)
        except ReportError as exc:
            print(f"error: --scenario: {exc}", file=sys.stderr)
            return 2
    if args.all:
        folders = client_folders(args.folder) if Path(args.folder).is_dir() else []
        if not folders:
            print(
                f"error: no client folders (with a settings.yaml) in {args.folder}", file=sys.stderr
            )
            return 1
    else:
        folders = [Path(args.folder)]
    pdf = not args.no_pdf
    if args.workers is not None and args.workers < 0:
        print("error: --workers: give 0 (in this process) or more", file=sys.stderr)
        return 2
    if args.scheduler and args.workers:
        print("error: --scheduler runs on that cluster's workers: no --workers", file=sys.stderr)
        return 2
    if not args.all and (args.scheduler or args.workers):
        print("error: --scheduler and --workers are for a batch (--all)", file=sys.stderr)
        return 2
    # one client alone runs here; a batch on a local cluster unless told otherwise
    workers = args.workers if args.all or args.workers is not None else 0
    states: dict[str, str] = {}
    quiet = args.quiet or bool(os.environ.get("CI"))
    try:
        with tqdm(
            total=len(folders), unit="client", file=sys.stderr, disable=True if quiet else None
        ) as bar:

            def log(line: str) -> None:
                if not args.quiet:
                    bar.write(line, file=sys.stderr)

            def progress(name: str, state: str) -> None:
                if state in ("written", "failed"):
                    states.pop(name, None)
                else:
                    states[name] = state.rsplit(": ", 1)[-1]
                bar.set_postfix_str("; ".join(f"{n}: {s}" for n, s in states.items())[:120])

            batch = run_batch(
                folders,
                Path(args.out),
                notebooks=args.notebook or None,
                parameters=dict(args.param or []),
                scenario=args.scenario,
                all_scenarios=args.all_scenarios,
                pdf=pdf,
                log=log,
                on_client_done=lambda: bar.update(1),
                progress=progress,
                workers=workers,
                scheduler=args.scheduler,
                portfolio=args.all,
            )
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        what = (
            "interrupted"
            if signum == signal.SIGINT
            else f"stopped by {signal.Signals(signum).name}"
        )
        print(
            f"{what}: the report in progress was dropped; every report folder keeps its last "
            "complete pack",
            file=sys.stderr,
        )
        written = getattr(exc, "done", None)
        if written is not None and args.all:
            names = [
                r.folder.name
                if r.scenario is None
                else f"{r.folder.parent.parent.name} (scenario {r.scenario})"
                for r in written
            ]
            print(
                f"written before it stopped: {', '.join(names) if names else 'none'}",
                file=sys.stderr,
            )
        return 128 + signum
    for note in batch.notes:
        print(f"note: {note}", file=sys.stderr)
    for message in batch.failed.values():
        print(message, file=sys.stderr)
    compared: list[Path] = []
    for result in batch.done:
        if pdf and result.pdf is None:
            print(f"note: {result.pdf_note}", file=sys.stderr)
        what = "report" if result.scenario is None else f"scenario {result.scenario}"
        print(f"{result.client}: {what} written to {result.html}")
        if result.comparison is not None and result.comparison not in compared:
            compared.append(result.comparison)
    if any(result.scenario is not None for result in batch.done):
        for page in compared:
            print(f"  the base case beside its scenarios: {page}")
    if batch.portfolio is not None:
        print(f"the portfolio page: {batch.portfolio / 'portfolio.html'}")
    if args.all or len(folders) > 1:
        failed = len(batch.failed)
        print(
            f"{len(folders) - failed} of {len(folders)} client reports written"
            + (f"; {failed} failed:" if failed else "")
        )
        for name, reason in batch.reasons.items():
            print(f"  {name}: {reason}")
    return 0 if batch.ok else 1


def _cmd_lab(args: argparse.Namespace) -> int:
    import importlib.util

    from salesnb import lab
    from salesnb.io import validate

    folder = Path(args.folder) if args.folder else paths.SAMPLE_CLIENT
    problems = validate(folder)
    if problems:
        _print_problems(ClientFolderError(folder, problems))
        return 1
    if importlib.util.find_spec("jupyterlab") is None:
        print(
            "error: JupyterLab is not installed here (pip install 'salesnb[lab]')", file=sys.stderr
        )
        return 1
    try:
        session = lab.build_session(
            folder,
            Path(args.dir),
            resume=args.resume,
            new=args.new,
            log=lambda line: print(line, file=sys.stderr, flush=True),
        )
        command = lab.lab_command(
            session, notebook=args.notebook, port=args.port, browser=not args.no_browser
        )
    except (lab.SessionError, ClientFolderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    how = "reopened as it was saved" if session.resumed else "ready"
    print(f"{session.client_name}: session {how} in {session.folder}", flush=True)
    print(
        "  in JupyterLab, Run > Run All Cells brings the sliders to life; "
        "saving writes into this folder only",
        flush=True,
    )
    return lab.run_lab(command)


def _cmd_workshop_check(args: argparse.Namespace) -> int:
    import tempfile

    from salesnb import workshop

    notebook = Path(args.notebook)
    if not notebook.is_file():
        print(f"error: no such notebook: {notebook}", file=sys.stderr)
        return 1
    graded = notebook
    with tempfile.TemporaryDirectory(prefix="salesnb-workshop-") as work:
        if args.execute:
            from salesnb.report.kernels import execute_notebook

            graded = Path(work) / notebook.name
            execute_notebook(notebook, graded, {}, Path(work), cwd=Path(work))
        results = workshop.grade(graded, folder=args.folder)
    if not results:
        print(f"{notebook.name}: no exercise answered (run the notebook first, or use --execute)")
        return 1
    for r in results:
        mark = "right" if r.correct else "not yet"
        print(f"{r.exercise}: {mark} (answer: {r.answer!r})")
        if not r.correct:
            print(f"  {r.message}")
    right = sum(r.correct for r in results)
    print(f"{notebook.name}: {right} of {len(results)} right")
    return 0 if right == len(results) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesnb",
        description="The sales-leadership workbook: client folders, checks and report packs.",
    )
    parser.add_argument("--version", action="version", version=f"salesnb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("new-client", help="create a client folder from the template")
    p.add_argument("name", help="the client's name, e.g. 'Acme Systems'")
    p.add_argument("--dir", default="clients", help="where client folders live (default: clients)")
    p.add_argument("--start", help="first month of the plan, YYYY-MM (default: next January)")
    p.set_defaults(func=_cmd_new)

    p = sub.add_parser("validate", help="check client folders and list every problem")
    p.add_argument("folders", nargs="+", help="client folder(s), or with --all folders of them")
    p.add_argument(
        "--all",
        action="store_true",
        help="check every client folder inside the given folder(s), one line each",
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("report", help="run the notebooks and write a report pack")
    p.add_argument("folder", help="a client folder, or with --all a folder of client folders")
    p.add_argument(
        "--out",
        default="reports",
        help="output folder for report packs (default: reports, in the current folder)",
    )
    p.add_argument("--all", action="store_true", help="report every client folder inside FOLDER")
    p.add_argument("--notebook", action="append", help="run only this notebook (repeatable)")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        type=_parameter,
        metavar="NAME=VALUE",
        help="override a setting for this run, e.g. -p cut=0.3 or cut=30%% (repeatable); "
        "the run is a scenario, written beside the base report",
    )
    p.add_argument(
        "--scenario",
        metavar="NAME",
        help="write the scenario NAME to OUT/<client>/scenarios/NAME/: the one named in "
        "settings.yaml, with any -p over it, or a new one given by -p",
    )
    p.add_argument(
        "--all-scenarios",
        action="store_true",
        help="write every scenario named in settings.yaml, then the base report",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="with --all: run N reports at a time on a local dask cluster (default: one per "
        "core); 0 runs them one after another in this process",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --all: send the reports to the dask scheduler at ADDRESS "
        "(tcp://host:8786), whose workers have salesnb installed; the packs come back here",
    )
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the result")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "lab",
        help="open a client's live session in JupyterLab",
        description="Check a client folder, copy the notebooks into a session folder bound "
        "to it (code hidden, run on the folder), and open JupyterLab there. Saving writes "
        "into the session, never into the package's notebooks.",
    )
    p.add_argument("folder", nargs="?", help="the client folder (default: the sample client)")
    p.add_argument(
        "--dir",
        default="sessions",
        help="where sessions live; this client's is DIR/<client> (default: sessions, "
        "in the current folder)",
    )
    p.add_argument(
        "--notebook", metavar="NAME", help="open this notebook, e.g. 02 (a name's start)"
    )
    p.add_argument("--no-browser", action="store_true", help="print the address, open no browser")
    p.add_argument(
        "--port", type=int, help="serve on this port (default: the first free from 8888)"
    )
    again = p.add_mutually_exclusive_group()
    again.add_argument(
        "--resume", action="store_true", help="reopen the client's existing session as it was saved"
    )
    again.add_argument(
        "--new",
        action="store_true",
        help="start a fresh session; an existing one is kept under a dated name",
    )
    p.set_defaults(func=_cmd_lab)

    p = sub.add_parser("workshop", help="the workshop's exercises")
    workshop_sub = p.add_subparsers(dest="workshop_command", required=True)
    p = workshop_sub.add_parser(
        "check",
        help="grade an exercise notebook",
        description="Check every answer an exercise notebook recorded against the workbook's "
        "own figures, with a hint for each answer that is not yet right. Exit 0 when all are "
        "right.",
    )
    p.add_argument("notebook", help="the exercise notebook (executed, as saved)")
    p.add_argument(
        "--execute", action="store_true", help="run the notebook first (a copy; it is not changed)"
    )
    p.add_argument("--folder", help="the client folder the exercises use (default: the sample)")
    p.set_defaults(func=_cmd_workshop_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import signal

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        print("interrupted", file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
