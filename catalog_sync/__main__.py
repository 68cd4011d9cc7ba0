from catalog_sync.cli import main

main()
