# Commands of the sale_amazon_connector addon (see README.md).
.PHONY: setup test lint demo sync-check bench bench-stock chaos

setup:
	@bash tools/setup.sh

test: setup
	@bash tools/test.sh

lint: setup
	@bash tools/lint.sh

demo: setup
	@bash tools/demo.sh

sync-check: setup
	@bash tools/sync_check.sh

bench: setup
	@bash bench/bench.sh

bench-stock: setup
	@bash bench/stock.sh

chaos: setup
	@bash tools/chaos.sh
