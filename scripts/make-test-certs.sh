#!/usr/bin/env bash
# Create throwaway TLS material for tests and the demo in DIR (never commit it):
#   ca.pem ca.key           a test CA
#   server.pem server.key   CN=localhost, SAN DNS:localhost, IP:127.0.0.1, EC P-256, signed by the CA
#   other.pem other.key     SAN DNS:other.example, EC P-256, signed by the same CA (wrong-host tests)
#   wrong-ca.pem wrong-ca.key  an unrelated CA (wrong-CA tests)
# Idempotent: when every file is present and server.pem verifies against ca.pem
# and is valid for another day, nothing is done. Needs the openssl CLI.
# Usage: scripts/make-test-certs.sh DIR
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
command -v openssl >/dev/null 2>&1 || {
  echo "make-test-certs: the openssl CLI is missing (Debian: apt-get install openssl)" >&2
  exit 1
}
mkdir -p "$dir"
cd "$dir"

files=(ca.pem ca.key server.pem server.key other.pem other.key wrong-ca.pem wrong-ca.key)
complete=1
for f in "${files[@]}"; do [ -s "$f" ] || complete=0; done
if [ "$complete" -eq 1 ] &&
   openssl verify -CAfile ca.pem server.pem >/dev/null 2>&1 &&
   openssl verify -CAfile ca.pem other.pem >/dev/null 2>&1 &&
   openssl x509 -checkend 86400 -noout -in server.pem >/dev/null 2>&1; then
  exit 0
fi

umask 077
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ck-certs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

eckey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A CA: self-signed, CA:true, may sign certificates.
make_ca() { # name subject
  eckey "$tmp/$1.key"
  openssl req -new -x509 -key "$tmp/$1.key" -out "$tmp/$1.pem" -days 30 -sha256 \
    -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
}

# A server certificate signed by ca: name subject subjectAltName
make_leaf() {
  eckey "$tmp/$1.key"
  openssl req -new -key "$tmp/$1.key" -out "$tmp/$1.csr" -subj "$2" 2>/dev/null
  cat > "$tmp/$1.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$3
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT
  openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 30 -sha256 \
    -extfile "$tmp/$1.ext" -out "$tmp/$1.pem" 2>/dev/null
}

make_ca ca "/CN=cardkit test CA"
make_leaf server "/CN=localhost" "DNS:localhost,IP:127.0.0.1"
make_leaf other "/CN=other.example" "DNS:other.example"
make_ca wrong-ca "/CN=cardkit wrong test CA"

openssl verify -CAfile "$tmp/ca.pem" "$tmp/server.pem" >/dev/null
openssl verify -CAfile "$tmp/ca.pem" "$tmp/other.pem" >/dev/null

for f in "${files[@]}"; do
  mv -f "$tmp/$f" "./$f"
done
chmod 644 ca.pem server.pem other.pem wrong-ca.pem
chmod 600 ca.key server.key other.key wrong-ca.key
