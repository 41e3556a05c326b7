#!/usr/bin/env bash
# usage: scripts/services/kafka/make-tls.sh DIR
# Makes the Kafka SASL_SSL listener's certificate with openssl (Debian's): a CA (DIR/ca.pem,
# what clients trust) and a broker certificate for 127.0.0.1 and localhost, written as a PEM
# keystore (DIR/broker-keystore.pem: unencrypted PKCS#8 key, then the certificate). Used by
# scripts/services/lib/kafka.sh and, for Docker users, by docker-compose.yml.
# Idempotent: a set that is still valid for a day is kept (clients keep trusting the same CA
# file). A new set is made in a temporary directory and moved into place whole, so an
# interrupted run never leaves a half-made set behind. Exits non-zero with openssl's messages.
set -euo pipefail
dir="${1:?usage: make-tls.sh DIR}"
if [ -s "$dir/broker-keystore.pem" ] && [ -s "$dir/ca.pem" ] &&
  openssl x509 -checkend 86400 -noout -in "$dir/broker.pem" >/dev/null 2>&1 &&
  openssl verify -CAfile "$dir/ca.pem" "$dir/broker.pem" >/dev/null 2>&1; then
  exit 0
fi
parent="$(dirname "$dir")"
mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.tls.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 3650 -subj "/CN=genrf-collector services CA"
openssl req "${ec[@]}" -keyout broker.key -out broker.csr -subj "/CN=127.0.0.1"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >broker.ext
openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days 3650 -extfile broker.ext
cat broker.key broker.pem >broker-keystore.pem
chmod 755 .
chmod 644 ca.pem broker.pem broker-keystore.pem
chmod 600 ca.key broker.key
openssl verify -CAfile ca.pem broker.pem
rm -rf "$dir.old"
[ -e "$dir" ] && mv "$dir" "$dir.old"
mv "$tmp" "$dir"
rm -rf "$dir.old"
trap - EXIT
echo "made $dir/ca.pem and $dir/broker-keystore.pem"
