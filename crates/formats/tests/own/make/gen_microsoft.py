"""A Microsoft Authenticator database (SQLite) with a personal Microsoft
account (account_type 1: the key in base64, 8-digit codes) beside a TOTP
account added from a QR code (type 0: base32). Only the columns the
importer reads; the app's own table has many more.
"""
import base64
import os
import sqlite3

from common import FIXTURES

PATH = os.path.join(FIXTURES, "microsoft-authenticator-msa.sqlite")


def main():
    if os.path.exists(PATH):
        os.remove(PATH)
    db = sqlite3.connect(PATH)
    db.execute("CREATE TABLE accounts (_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "
               "username TEXT NOT NULL, oath_secret_key TEXT NOT NULL, account_type INTEGER NOT NULL)")
    rows = [
        ("Microsoft", "ann@outlook.example", base64.b64encode(b"12345678901234567890").decode(), 1),
        ("GitHub", "ann", "JBSWY3DPEHPK3PXP", 0),
    ]
    db.executemany("INSERT INTO accounts (name, username, oath_secret_key, account_type) VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    print("microsoft: 1 personal account, 1 TOTP")


if __name__ == "__main__":
    main()
