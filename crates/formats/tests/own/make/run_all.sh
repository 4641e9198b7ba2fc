#!/bin/sh
# Regenerates every fixture in fixtures/ and runs every check.
# Needs: python3 with cryptography, pynacl, argon2-cffi, pyzipper (cross-check only); gpg for the
# Proton Pass PGP variants (skipped without it).
set -e
cd "$(dirname "$0")"
python3 secretstream_ref.py
python3 zipcrypt.py
for g in gen_andotp.py gen_andotp_edges.py gen_authy.py gen_microsoft.py gen_lastpass.py gen_ente.py gen_proton_authenticator.py gen_bitwarden.py gen_raivo.py gen_winauth.py gen_proton_pass.py; do
    echo "--- $g"
    python3 "$g"
done
