# The sales-leadership workbook. `make` lists the targets.
.DEFAULT_GOAL := help
PYTHON ?= python3

## Set up .venv and write the sample client's report pack
report:
	$(PYTHON) workbook.py report

## Set up .venv and run the whole test suite (unit, doctests, notebooks, reports)
test:
	$(PYTHON) workbook.py test

## Run ruff (lint and format check), notebooks included
lint:
	$(PYTHON) workbook.py lint

## Open the notebooks in JupyterLab
lab:
	$(PYTHON) workbook.py lab

## Re-execute the committed notebooks on the sample client (after a deliberate change)
notebooks:
	$(PYTHON) workbook.py notebooks

## Print the speed ratios of the benchmark
benchmark:
	$(PYTHON) workbook.py benchmark

## Remove the environment and generated reports
clean:
	rm -rf .venv reports

## Show this help
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-z-]+:/{sub(":.*","",$$1); printf "  %-10s %s\n", $$1, doc; doc=""}' $(MAKEFILE_LIST)

.PHONY: report test lint lab notebooks benchmark clean help
