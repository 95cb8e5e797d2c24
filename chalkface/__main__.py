from chalkface.cli import main

main()
