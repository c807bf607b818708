GREETING = "imported helper.py from the script's folder"
