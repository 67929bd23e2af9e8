from budget_author.cli import main

main()
