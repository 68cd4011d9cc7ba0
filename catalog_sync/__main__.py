from catalog_sync.cli import run

run()
