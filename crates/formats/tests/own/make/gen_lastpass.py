"""LastPass Authenticator JSON export fixtures (plain JSON, TOTP only).

Two shapes seen in real exports (field sets taken from exports that Proton
Authenticator keeps as test data, see lastpass.md):
  lastpass-android.json  version 3, deviceId/deviceSecret/localDeviceId/deviceName,
                         creationTimestamp in MILLISECONDS, pushNotification,
                         top-level backupInfo
  lastpass-ios.json      version 1, localDeviceId null, no deviceId/deviceSecret,
                         creationTimestamp in SECONDS
Traps built in: an account renamed in the app (issuerName != originalIssuerName),
an empty issuerName, base32 secrets whose length is not a multiple of 8.
"""

import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def accounts():
    s1, s256, s512 = common.SEED_SHA1, common.SEED_SHA256, common.SEED_SHA512
    raw = [
        # (issuerName, originalIssuerName, userName, originalUserName, secret, algo, digits, step, fav)
        ("My GitHub", "GitHub", "alice@example.com", "alice@example.com", s1, "SHA1", 6, 30, True),
        ("Proton Mail", "Proton Mail", "bob smith", "bob smith", s256, "SHA256", 8, 60, False),
        ("", "", "no-issuer-user", "no-issuer-user", s512, "SHA512", 6, 30, False),
    ]
    expected = [
        common.account("totp", "My GitHub", "alice@example.com", s1),
        common.account("totp", "Proton Mail", "bob smith", s256, "SHA256", 8, 60),
        common.account("totp", "", "no-issuer-user", s512, "SHA512", 6, 30),
    ]
    return raw, expected


def android(raw):
    accs = []
    for i, (iss, oiss, user, ouser, sec, alg, dig, step, fav) in enumerate(raw):
        accs.append({
            "accountID": str(uuid.UUID(int=i + 1)),
            "lmiUserId": "",
            "issuerName": iss,
            "originalIssuerName": oiss,
            "userName": user,
            "originalUserName": ouser,
            "pushNotification": False,
            "secret": common.b32(sec),
            "timeStep": step,
            "digits": dig,
            "creationTimestamp": 1754906411660 + i * 1000,  # milliseconds
            "isFavorite": fav,
            "algorithm": alg,
            "folderData": {"folderId": 1 if fav else 0, "position": i},
        })
    return {
        "deviceId": "",
        "deviceSecret": "",
        "localDeviceId": str(uuid.UUID(int=99)),
        "deviceName": "Google Pixel 7a",
        "version": 3,
        "accounts": accs,
        "folders": [{"id": 1, "name": "Favorites", "isOpened": True},
                    {"id": 0, "name": "Other accounts", "isOpened": True}],
        "backupInfo": {"creationDate": "2025-08-11T10:00:37.797", "deviceOS": "android", "appVersion": "2.22.0"},
    }


def ios(raw):
    accs = []
    for i, (iss, oiss, user, ouser, sec, alg, dig, step, fav) in enumerate(raw):
        accs.append({
            "originalIssuerName": oiss,
            "isFavorite": fav,
            "lmiUserId": "",
            "digits": dig,
            "accountID": "",
            "creationTimestamp": 1746694099 + i,  # seconds
            "algorithm": alg,
            "originalUserName": ouser,
            "folderData": {"folderId": 1 if fav else 0, "position": i},
            "timeStep": step,
            "userName": user,
            "issuerName": iss,
            "secret": common.b32(sec),
        })
    return {
        "deviceName": "iPhone16,1",
        "localDeviceId": None,
        "accounts": accs,
        "folders": [{"id": 1, "isOpened": True, "name": "Favorites"},
                    {"isOpened": True, "name": "Other Accounts", "id": 0}],
        "version": 1,
    }


def check(path, expected):
    """A minimal importer, to prove the fixture holds what expected.json says."""
    doc = json.load(open(path))
    got = []
    for a in doc["accounts"]:
        issuer = a.get("issuerName") or a.get("originalIssuerName") or ""
        name = a.get("userName") or a.get("originalUserName") or ""
        secret = common.b32decode_lenient(a["secret"])
        got.append(common.account("totp", issuer, name, secret, a["algorithm"].upper(), a["digits"], a["timeStep"]))
    assert got == expected, (got, expected)


def main():
    raw, expected = accounts()
    for name, doc in [("lastpass-android", android(raw)), ("lastpass-ios", ios(raw))]:
        # Android writes compact JSON (Gson/kotlinx); iOS compact too (JSONSerialization).
        path = common.write(name + ".json", json.dumps(doc, separators=(",", ":")).encode())
        common.write_expected(name, expected, {
            "notes": "issuer = issuerName (the name shown in the app), falling back to originalIssuerName; "
                     "name = userName, falling back to originalUserName. TOTP only."})
        check(path, expected)
        print(f"checked {name}.json")
    common.print_accounts("lastpass", expected)


if __name__ == "__main__":
    main()
